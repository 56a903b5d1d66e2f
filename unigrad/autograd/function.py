"""torch.autograd.Function: an op defined by the user's forward and backward.

``MyFn.apply(*args)`` runs ``forward(ctx, *args)`` without recording its ops and gives the
outputs one tape node whose backward calls ``backward(ctx, *grad_outputs)``. That backward
runs under the engine's grad mode, so with ``create_graph=True`` its ops are recorded and a
backward written in differentiable ops can be differentiated again."""
from ..core.grad_mode import is_grad_enabled, no_grad
from ..core.node import Node
from ..core.tensor import Tensor
from ..errors import AutogradError, InvalidTypeError
from ..ops.registry import OpDef


class FunctionCtx:
    """What forward leaves for backward (the ``ctx`` argument): ``save_for_backward`` and
    ``saved_tensors``, ``needs_input_grad``, ``mark_dirty``, ``mark_non_differentiable``,
    ``set_materialize_grads``, and any attribute the forward sets."""

    def __init__(self, needs_input_grad):
        self.needs_input_grad = needs_input_grad
        self._saved = ()
        self._saved_versions = ()
        self._dirty = ()
        self._non_differentiable = ()
        self.materialize_grads = True

    def save_for_backward(self, *tensors):
        """Keep tensors (or None) for backward; backward reads them from ``saved_tensors``, which
        checks that none was modified in place since."""
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise InvalidTypeError(f"save_for_backward takes tensors or None; argument {i} is a "
                                       f"{type(t).__name__} (keep other values as attributes of ctx)")
        self._saved = tensors
        self._saved_versions = tuple(None if t is None else t._vc[0] for t in tensors)

    @property
    def saved_tensors(self):
        for i, (t, v) in enumerate(zip(self._saved, self._saved_versions)):
            if t is not None and t._vc[0] != v and not any(t is d for d in self._dirty):
                raise AutogradError(
                    f"one of the tensors saved for backward (number {i}, shape {tuple(t.shape)}) was modified by an "
                    f"in-place operation (version {v} -> {t._vc[0]}); clone it before modifying it")
        return self._saved

    saved_variables = saved_tensors

    def mark_dirty(self, *tensors):
        """Declare inputs that forward modified in place (and returns)."""
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors):
        """Declare outputs that carry no gradient (indices, masks)."""
        self._non_differentiable = tensors

    def set_materialize_grads(self, value):
        """False: backward receives None (not zeros) for outputs that got no gradient."""
        self.materialize_grads = bool(value)


class Function:
    """Base class of custom differentiable operations, as in PyTorch: define the static methods
    ``forward(ctx, *args)`` and ``backward(ctx, *grad_outputs)`` (one gradient, or None, per
    forward argument) and call ``MyFunction.apply(*args)``. The forward may instead take only
    the arguments when the class also defines ``setup_context(ctx, inputs, output)``.

    Example::

        >>> class Cube(ug.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x ** 3
        ...     @staticmethod
        ...     def backward(ctx, grad):
        ...         x, = ctx.saved_tensors
        ...         return grad * 3 * x ** 2
        >>> x = ug.tensor([1.0, 2.0], requires_grad=True)
        >>> Cube.apply(x).sum().backward()
        >>> x.grad
        tensor([ 3., 12.])
    """

    def __init__(self, *args, **kwargs):
        raise AutogradError(f"{type(self).__name__} is used through {type(self).__name__}.apply(...), not by "
                            "creating an instance (PyTorch's legacy non-static Functions are not supported)")

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("a Function subclass must define forward(ctx, *args)")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("a Function subclass must define backward(ctx, *grad_outputs) to be differentiated")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError

    @classmethod
    def apply(cls, *args, **kwargs):
        needs = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        ctx = FunctionCtx(needs)
        separate_setup = cls.setup_context is not Function.setup_context
        with no_grad():
            output = cls.forward(*args, **kwargs) if separate_setup else cls.forward(ctx, *args, **kwargs)
        if separate_setup:
            cls.setup_context(ctx, args, output)
        if not (is_grad_enabled() and any(needs)):
            return output
        return _attach(cls, ctx, args, output)


def _attach(cls, ctx, args, output):
    """Give forward's outputs one tape node whose backward is cls.backward."""
    single = not isinstance(output, tuple)
    outputs = (output,) if single else output
    inputs = tuple(a for a in args if isinstance(a, Tensor))
    positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
    dirty = ctx._dirty
    for t in dirty:
        if t.is_leaf and t.requires_grad:
            raise AutogradError(f"{cls.__name__}: a leaf tensor that requires grad was modified in place (mark_dirty); "
                                "modify a clone of it instead")
    results, diff = [], []
    for i, out in enumerate(outputs):
        if isinstance(out, Tensor):
            if any(out is a for a in inputs) and not any(out is d for d in dirty):
                out = Tensor._make(out._data, out._device, out._dtype, vc=out._vc)  # an input returned as is
            if out._dtype.is_floating_point and not any(out is n for n in ctx._non_differentiable):
                diff.append(i)
        results.append(out)
    if not diff:
        return output
    # the engine fills outputs that got no gradient with zeros for the op's diff_outputs: none
    # of them when the forward asked for set_materialize_grads(False)
    op = OpDef(name=cls.__name__, backward=_backward_of(cls, positions, inputs), n_outputs=len(results),
               diff_outputs=tuple(diff) if ctx.materialize_grads else (), saves_inputs=False)
    node = Node(op, inputs, {"ctx": ctx}, tuple(r for r in results if isinstance(r, Tensor)) or (inputs[0],))
    node.n_outputs = len(results)
    node.device = inputs[0]._device
    node.out_meta = [(tuple(r._data.shape), r._dtype) if isinstance(r, Tensor) else ((), inputs[0]._dtype)
                     for r in results]
    node.edges_list()  # now, before a dirty input becomes this node's own output
    for i in diff:
        r = results[i]
        r._node, r._idx, r.requires_grad = node, i, True
        if any(r is d for d in dirty):
            r._vc[0] += 1
    return results[0] if single else tuple(results)


def _backward_of(cls, positions, inputs):
    def backward(node, *grads):
        ctx = node.attrs["ctx"]
        result = cls.backward(ctx, *grads)
        result = result if isinstance(result, tuple) else (result,)
        expected = max(positions) + 1 if positions else 0
        while len(result) > expected and result[-1] is None:
            result = result[:-1]
        if len(result) < expected:
            raise AutogradError(f"{cls.__name__}.backward returned {len(result)} gradients, expected one per forward "
                                f"argument ({len(node.attrs['ctx'].needs_input_grad)}; None for those without one)")
        out = []
        for k, (pos, t) in enumerate(zip(positions, inputs)):
            g = result[pos]
            if g is not None:
                if not isinstance(g, Tensor):
                    raise AutogradError(f"{cls.__name__}.backward returned a {type(g).__name__} as gradient {pos}; "
                                        "return a Tensor or None")
                if tuple(g.shape) != tuple(t.shape):
                    from ..ops import api as F
                    try:
                        g = F.sum_to(g, tuple(t.shape))
                    except Exception:
                        raise AutogradError(f"{cls.__name__}.backward returned a gradient of shape {tuple(g.shape)} "
                                            f"for input {pos} of shape {tuple(t.shape)}") from None
            out.append(g)
        return tuple(out)
    return backward


def once_differentiable(backward):
    """Decorator for a backward that is not itself differentiable: it runs without recording."""
    import functools

    @functools.wraps(backward)
    def wrapper(ctx, *grads):
        with no_grad():
            return backward(ctx, *grads)
    return wrapper


def Variable(data, requires_grad=False, volatile=False):
    """The pre-0.4 torch.autograd.Variable: today a Tensor, so this returns `data` itself (with
    requires_grad set when asked)."""
    t = data if isinstance(data, Tensor) else Tensor(data)
    if requires_grad:
        t.requires_grad_(True)
    return t
