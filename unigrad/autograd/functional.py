"""torch.autograd.functional: jacobian, hessian, vjp, jvp, hvp and vhp of a Python function,
built on ug.autograd.grad (reverse mode; jvp and hvp by the double-vjp trick)."""
from ..core.grad_mode import enable_grad
from ..core.tensor import Tensor
from ..errors import AutogradError, InvalidTypeError
from ..ops import api as F
from .engine import grad as _grad


def _as_tuple(x, what, fn_name):
    single = isinstance(x, Tensor)
    items = (x,) if single else tuple(x) if isinstance(x, (tuple, list)) else None
    if items is None or not all(isinstance(t, Tensor) for t in items):
        raise InvalidTypeError(f"{fn_name}: {what} must be a Tensor or a tuple of Tensors, got {type(x).__name__}")
    return single, items


def _prepare(inputs, create_graph):
    """Leaves that record gradients, keeping the caller's graph when create_graph asks for it."""
    out = []
    for t in inputs:
        if create_graph and t.requires_grad:
            out.append(t * 1)
        else:
            out.append(t.detach().requires_grad_(t.dtype.is_floating_point))
    return tuple(out)


def _grads(outputs, inputs, grad_outputs, create_graph, strict, fn_name):
    live = [i for i, t in enumerate(inputs) if t.requires_grad]
    if not outputs or not any(o.requires_grad for o in outputs):
        found = [None] * len(inputs)
    else:
        pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o.requires_grad]
        got = _grad([o for o, _ in pairs], [inputs[i] for i in live], [g for _, g in pairs], retain_graph=True,
                    create_graph=create_graph, allow_unused=True)
        found = [None] * len(inputs)
        for i, g in zip(live, got):
            found[i] = g
    result = []
    for i, (t, g) in enumerate(zip(inputs, found)):
        if g is None:
            if strict:
                raise AutogradError(f"{fn_name}: the output is independent of input {i} (strict=True)")
            g = F.zeros_like(t)
        result.append(g)
    return tuple(result)


def _unwrap(single, items):
    return items[0] if single else items


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T J): the vector-Jacobian product at `inputs`. v may be omitted when the
    output has one element.

    Example::

        >>> out, g = ug.autograd.functional.vjp(lambda x: x ** 2, ug.tensor([1.0, 3.0]), ug.tensor([1.0, 1.0]))
        >>> g
        tensor([2., 6.])
    """
    single_in, inputs = _as_tuple(inputs, "inputs", "vjp")
    with enable_grad():
        xs = _prepare(inputs, create_graph)
        out = func(*xs)
        single_out, outs = _as_tuple(out, "the function's output", "vjp")
        if v is None:
            if any(o.numel() != 1 for o in outs):
                raise AutogradError("vjp: v can be omitted only when the function's output has one element")
            vs = tuple(F.ones_like(o) for o in outs)
        else:
            _, vs = _as_tuple(v, "v", "vjp")
            if len(vs) != len(outs) or any(tuple(a.shape) != tuple(b.shape) for a, b in zip(vs, outs)):
                raise AutogradError(f"vjp: v has shapes {[tuple(a.shape) for a in vs]}, the outputs "
                                    f"{[tuple(o.shape) for o in outs]}")
        grads = _grads(outs, xs, vs, create_graph, strict, "vjp")
    outs = outs if create_graph else tuple(o.detach() for o in outs)
    return _unwrap(single_out, outs), _unwrap(single_in, grads)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), J v): the Jacobian-vector product, by differentiating the vjp in its vector.

    Example::

        >>> out, g = ug.autograd.functional.jvp(lambda x: x ** 2, ug.tensor([1.0, 3.0]), ug.tensor([1.0, 0.0]))
        >>> g
        tensor([2., 0.])
    """
    single_in, inputs = _as_tuple(inputs, "inputs", "jvp")
    if v is None:
        if any(t.numel() != 1 for t in inputs):
            raise AutogradError("jvp: v can be omitted only when the input has one element")
        vs = tuple(F.ones_like(t) for t in inputs)
    else:
        _, vs = _as_tuple(v, "v", "jvp")
    with enable_grad():
        xs = _prepare(inputs, True)
        out = func(*xs)
        single_out, outs = _as_tuple(out, "the function's output", "jvp")
        us = tuple(F.zeros_like(o).requires_grad_(True) for o in outs)  # the vjp is linear in u: d/du gives J v
        g = _grads(outs, xs, us, True, strict, "jvp")
        result = _grads(g, us, vs, create_graph, strict, "jvp")
    outs = outs if create_graph else tuple(o.detach() for o in outs)
    result = result if create_graph else tuple(r.detach() for r in result)
    return _unwrap(single_out, outs), _unwrap(single_out, result)


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """The Jacobian of func at inputs: for one input and one output a tensor of shape
    output.shape + input.shape; a tuple per input (and per output) otherwise, as in PyTorch.

    Example::

        >>> ug.autograd.functional.jacobian(lambda x: x ** 2, ug.tensor([1.0, 3.0]))
        tensor([[2., 0.],
                [0., 6.]])
    """
    if strategy not in ("reverse-mode", "forward-mode"):
        raise AutogradError(f"jacobian: strategy must be 'reverse-mode' or 'forward-mode', got {strategy!r}")
    single_in, inputs = _as_tuple(inputs, "inputs", "jacobian")
    with enable_grad():
        xs = _prepare(inputs, create_graph)
        out = func(*xs)
        single_out, outs = _as_tuple(out, "the function's output", "jacobian")
        per_output = []
        for o in outs:
            rows = [[] for _ in xs]
            n = o.numel()
            for k in range(n):
                onehot = F.one_hot(F.full((), k, dtype=None, device=o.device), n).to(o.dtype)
                onehot = F.reshape(onehot, tuple(o.shape))
                gs = _grads((o,), xs, (onehot,), create_graph, strict, "jacobian")
                for j, g in enumerate(gs):
                    rows[j].append(g)
            blocks = []
            for j, x in enumerate(xs):
                if rows[j]:
                    block = F.reshape(F.stack(rows[j]), tuple(o.shape) + tuple(x.shape))
                else:
                    block = F.zeros(*(tuple(o.shape) + tuple(x.shape)), dtype=x.dtype, device=x.device)
                blocks.append(block if create_graph else block.detach())
            per_output.append(_unwrap(single_in, tuple(blocks)))
    return _unwrap(single_out, tuple(per_output))


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a function with a single-element output: the Jacobian of its gradient;
    for several inputs a tuple of tuples (block [i][j] = d2 f / d x_i d x_j).

    Example::

        >>> ug.autograd.functional.hessian(lambda x: (x ** 3).sum(), ug.tensor([1.0, 2.0]))
        tensor([[ 6.,  0.],
                [ 0., 12.]])
    """
    single_in, inputs = _as_tuple(inputs, "inputs", "hessian")

    def gradient(*xs):  # one gradient per input: a tuple, so the jacobian below is per (grad, input)
        out = func(*xs)
        if not isinstance(out, Tensor) or out.numel() != 1:
            raise AutogradError("hessian: the function must return a Tensor with one element")
        return _grads((out,), xs, (F.ones_like(out),), True, strict, "hessian")
    jac = jacobian(gradient, inputs, create_graph=create_graph, strict=strict)  # a tuple of tuples
    return jac[0][0] if single_in else jac


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T H): the vector-Hessian product of a single-element function."""
    single_in, inputs = _as_tuple(inputs, "inputs", "vhp")
    _, vs = _as_tuple(v, "v", "vhp") if v is not None else (None, tuple(F.ones_like(t) for t in inputs))
    with enable_grad():
        xs = _prepare(inputs, True)
        out = func(*xs)
        if not isinstance(out, Tensor) or out.numel() != 1:
            raise AutogradError("vhp: the function must return a Tensor with one element")
        g = _grads((out,), xs, (F.ones_like(out),), True, strict, "vhp")
        result = _grads(g, xs, vs, create_graph, strict, "vhp")
    out = out if create_graph else out.detach()
    result = result if create_graph else tuple(r.detach() for r in result)
    return out, _unwrap(single_in, result)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), H v): for the symmetric Hessians of twice-differentiable functions, vhp."""
    return vhp(func, inputs, v, create_graph, strict)
