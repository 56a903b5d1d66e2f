"""max and min: the largest (smallest) element, or the values and indices along one dim, or the
elementwise maximum (minimum) of two tensors, as torch.max and torch.min pick by their arguments.

max_dim and min_dim are the along-one-dim ops (values and int64 indices; the gradient goes to the
index taken); max and min are composites that pick amax, max_dim or maximum (amin, min_dim,
minimum). The four differ only in the extreme they take, so they are made by one maker."""
from ...backend import dtypes as _dt
from ...errors import ShapeError
from .. import api as F
from ..dispatch import dispatch
from ..registry import INTERNAL, Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec, normalize_dim
from .common import ValuesIndices, reduced_shape


def _dim_forward(kind):
    def forward(xp, x, dim, keepdim=False):
        if x.ndim == 0:
            return x.copy(), xp.zeros((), dtype=xp.int64)
        axis = dim % x.ndim
        if x.shape[axis] == 0:
            raise ShapeError(f"op '{kind}_dim': cannot reduce dim {dim} of size 0 (shape {x.shape})")
        idx = (xp.argmax if kind == "max" else xp.argmin)(x, axis=axis)
        idx_k = xp.expand_dims(idx, axis)
        vals = xp.take_along_axis(x, idx_k, axis=axis)
        if keepdim:
            return vals, idx_k.astype(xp.int64)
        return xp.squeeze(vals, axis), idx.astype(xp.int64)
    return forward


def _dim_backward(ctx, g, _gi=None):
    x = ctx.inputs[0]
    dim, keepdim = ctx.attrs["dim"], ctx.attrs.get("keepdim", False)
    if x.ndim == 0:
        return (g,)
    idx = ctx.output(1)
    if not keepdim:
        g = F.unsqueeze(g, dim)
        idx = F.unsqueeze(idx, dim)
    return (F.scatter_add(F.zeros_like(x), dim, idx, g),)


def _dim_infer_for(name):
    def infer(x, dim, keepdim=False):
        d = normalize_dim(name, dim, len(x.shape))
        shape = reduced_shape(x.shape, (d,), keepdim)
        return Spec(shape, x.dtype), Spec(shape, _dt.int64)
    return infer


def _dim_samples():
    return [Sample((randn(3, 4),), {"dim": 1}), Sample((randn(2, 3, 4),), {"dim": 0, "keepdim": True}),
            Sample((randn(2, 3),), {"dim": -1})]


def _samples():
    """All of it, along a dim (with keepdim), and against a second tensor (broadcasting)."""
    return [Sample((randn(3, 4),), {}), Sample((randn(3, 4),), {"dim": 1}),
            Sample((randn(2, 3, 4),), {"dim": 0, "keepdim": True}),
            Sample((randn(3, 4), randn(4, seed=1)), name="other")]


def _extremum(kind, whole, pairwise, example):
    dim_op = OpDef(
        name=f"{kind}_dim", forward=_dim_forward(kind), backward=_dim_backward, infer=_dim_infer_for(f"{kind}_dim"),
        onnx=Onnx(emit=lambda e, x, dim, keepdim=False: e.extremum_dim("Arg" + kind.capitalize(), x, dim, keepdim)),
        n_outputs=2,
        saves_outputs=True,
        variants=INTERNAL,
        samples=_dim_samples,
        torch_ref=lambda torch, x, dim, keepdim=False: tuple(getattr(torch, kind)(x, dim, keepdim=keepdim)),
        reference=_dim_forward(kind))

    def along_dim(input, dim, keepdim=False):
        return ValuesIndices(dispatch(dim_op, (input,), {"dim": dim, "keepdim": keepdim}))
    along_dim.__name__ = along_dim.__qualname__ = f"{kind}_dim"
    along_dim.__doc__ = f"(values, indices) of the {kind} along the int dim `dim` ({kind}(input, dim) calls it)."
    register(dim_op, public=along_dim)

    def public(input, dim=None, keepdim=False):
        if dim is None:
            return getattr(F, whole)(input)
        if not isinstance(dim, int):
            return getattr(F, pairwise)(input, dim)
        return along_dim(input, dim, keepdim)
    public.__name__ = public.__qualname__ = kind
    public.__doc__ = f"""The {kind} of input, by the arguments given, as torch.{kind}:

    - ``{kind}(input)``: the {kind} of all elements, a 0-d tensor (``{whole}``; ties share the gradient);
    - ``{kind}(input, dim, keepdim=False)`` with an int dim: a (values, indices) tuple, also read as
      ``.values`` and ``.indices``, of the {kind} along dim (indices int64; keepdim keeps dim with size 1);
    - ``{kind}(input, other)`` with a tensor other: the elementwise ``{pairwise}``, broadcasting.

    Example::

        >>> x = ug.tensor([[1.0, 5.0, 2.0], [4.0, 3.0, 6.0]])
{example}
    """

    def torch_ref(torch, x, dim=None, keepdim=False):
        if dim is None:
            return getattr(torch, kind)(x)
        if isinstance(dim, torch.Tensor):
            return getattr(torch, kind)(x, dim)
        return tuple(getattr(torch, kind)(x, dim, keepdim=keepdim))

    register(OpDef(name=kind, impl=public, variants=Variants(methods=(kind,)), samples=_samples, torch_ref=torch_ref))
    return public


max = _extremum("max", "amax", "maximum", """\
        >>> ug.max(x)
        tensor(6.)
        >>> values, indices = x.max(dim=1)
        >>> values, indices
        (tensor([5., 6.]), tensor([1, 2]))
        >>> ug.max(x, ug.tensor([3.0, 3.0, 3.0]))
        tensor([[3., 5., 3.],
                [4., 3., 6.]])""")
min = _extremum("min", "amin", "minimum", """\
        >>> ug.min(x)
        tensor(1.)
        >>> ug.min(x, 0).indices
        tensor([0, 1, 0])""")
