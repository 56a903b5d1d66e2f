"""sum and mean over any set of dims."""
from ...errors import DtypeError
from .. import api as F
from ..dispatch import dispatch
from ..registry import OpDef, Sample, register
from ..sampling import randn
from .common import axes_of, count, expand_back, reduce_infer


def _samples():
    return [Sample((randn(3, 4),), {}), Sample((randn(3, 4),), {"dim": 1}),
            Sample((randn(2, 3, 4),), {"dim": (0, 2), "keepdim": True}), Sample((randn(2, 3),), {"dim": -1}),
            Sample((randn(0, 3),), {"dim": 0}), Sample((randn(()),), {})]


def _sum_forward(xp, x, dim=None, keepdim=False):
    out = x.sum(axis=axes_of(x, dim), keepdims=keepdim)
    if x.dtype.kind in "bi" and x.dtype != xp.int64:  # integer sums accumulate in int64, as in PyTorch
        out = out.astype(xp.int64)
    return xp.asarray(out)


sum_op = register(OpDef(
    name="sum", saves_inputs=False, forward=_sum_forward,
    backward=lambda ctx, g: (expand_back(F, g, ctx.inputs[0], ctx.attrs.get("dim"), ctx.attrs.get("keepdim", False)),),
    infer=reduce_infer("sum"), samples=_samples,
    torch_ref=lambda torch, x, dim=None, keepdim=False: x.sum() if dim is None else x.sum(dim, keepdim=keepdim),
    reference=_sum_forward))


def _mean_forward(xp, x, dim=None, keepdim=False):
    return xp.asarray(x.mean(axis=axes_of(x, dim), keepdims=keepdim))


def _mean_backward(ctx, g):
    x = ctx.inputs[0]
    dim = ctx.attrs.get("dim")
    n = count(tuple(x.shape), dim)
    return (expand_back(F, F.div(g, float(max(n, 1))), x, dim, ctx.attrs.get("keepdim", False)),)


mean_op = register(OpDef(
    name="mean", saves_inputs=False, forward=_mean_forward, backward=_mean_backward, infer=reduce_infer("mean"),
    samples=lambda: [s for s in _samples() if s.inputs[0].size],
    torch_ref=lambda torch, x, dim=None, keepdim=False: x.mean() if dim is None else x.mean(dim, keepdim=keepdim),
    reference=_mean_forward))


def _attrs(dim, keepdim):
    attrs = {}
    if dim is not None:
        attrs["dim"] = tuple(dim) if isinstance(dim, list) else dim
    if keepdim:
        attrs["keepdim"] = True
    return attrs


def sum(input, dim=None, keepdim=False, dtype=None):
    if dtype is not None:
        input = F.to_dtype(input, dtype)
    return dispatch(sum_op, (input,), _attrs(dim, keepdim))


def mean(input, dim=None, keepdim=False, dtype=None):
    if dtype is not None:
        input = F.to_dtype(input, dtype)
    elif not input._dtype.is_floating_point:
        raise DtypeError(f"mean: input dtype must be floating point, got {input._dtype}; "
                         "cast it with .float() first")
    return dispatch(mean_op, (input,), _attrs(dim, keepdim))


sum_op.public = sum
mean_op.public = mean
