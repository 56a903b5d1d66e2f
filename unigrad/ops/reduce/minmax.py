"""amax/amin (ties share the gradient), max/min along a dim with indices, argmax/argmin."""
import builtins
from ...backend import dtypes as _dt
from ...errors import ShapeError
from .. import api as F
from ..dispatch import dispatch
from ..registry import OpDef, Sample, register
from ..sampling import randn
from ..spec import Spec, normalize_dim
from .common import axes_of, expand_back, reduce_infer, reduced_shape


def _amax_backward(ctx, g):
    x = ctx.inputs[0]
    dim, keepdim = ctx.attrs.get("dim"), ctx.attrs.get("keepdim", False)
    out = expand_back(F, ctx.output(), x, dim, keepdim)
    mask = F.to_dtype(F.eq(x, out), g.dtype)
    n = expand_back(F, F.sum(mask, dim=dim, keepdim=keepdim), x, dim, keepdim)
    return (F.div(F.mul(expand_back(F, g, x, dim, keepdim), mask), n),)


def _extreme_samples():
    a = randn(3, 4)
    tie = randn(2, 3)
    tie[0, 1] = tie[0, 0] = 5.0
    return [Sample((a,), {}), Sample((a,), {"dim": 1}), Sample((randn(2, 3, 4),), {"dim": (0, 2), "keepdim": True}),
            Sample((tie,), {"dim": 1}, name="tie")]


def _reduce_check(name):
    def forward(xp, x, dim=None, keepdim=False):
        if x.size == 0:
            raise ShapeError(f"op '{name}': cannot reduce an empty tensor of shape {x.shape}")
        fn = xp.max if name == "amax" else xp.min
        return xp.asarray(fn(x, axis=axes_of(x, dim), keepdims=keepdim))
    return forward


amax_op = register(OpDef(
    name="amax", forward=_reduce_check("amax"), backward=_amax_backward, infer=reduce_infer("amax"),
    saves_outputs=True, samples=_extreme_samples,
    torch_ref=lambda torch, x, dim=None, keepdim=False: torch.amax(x, dim=() if dim is None else dim, keepdim=keepdim),
    reference=lambda np, x, dim=None, keepdim=False: np.max(x, axis=dim, keepdims=keepdim)))
amin_op = register(OpDef(
    name="amin", forward=_reduce_check("amin"), backward=_amax_backward, infer=reduce_infer("amin"),
    saves_outputs=True, samples=_extreme_samples,
    torch_ref=lambda torch, x, dim=None, keepdim=False: torch.amin(x, dim=() if dim is None else dim, keepdim=keepdim),
    reference=lambda np, x, dim=None, keepdim=False: np.min(x, axis=dim, keepdims=keepdim)))


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


def _dim_infer(x, dim, keepdim=False):
    d = normalize_dim("max_dim", dim, len(x.shape))
    shape = reduced_shape(x.shape, (d,), keepdim)
    return Spec(shape, x.dtype), Spec(shape, _dt.int64)


def _dim_samples():
    return [Sample((randn(3, 4),), {"dim": 1}), Sample((randn(2, 3, 4),), {"dim": 0, "keepdim": True}),
            Sample((randn(2, 3),), {"dim": -1})]


def _torch_dim(kind):
    return lambda torch, x, dim, keepdim=False: tuple(getattr(torch, kind)(x, dim, keepdim=keepdim))


max_dim_op = register(OpDef(
    name="max_dim", forward=_dim_forward("max"), backward=_dim_backward, infer=_dim_infer, n_outputs=2,
    saves_outputs=True, samples=_dim_samples, torch_ref=_torch_dim("max"), reference=_dim_forward("max")))
min_dim_op = register(OpDef(
    name="min_dim", forward=_dim_forward("min"), backward=_dim_backward, infer=_dim_infer, n_outputs=2,
    saves_outputs=True, samples=_dim_samples, torch_ref=_torch_dim("min"), reference=_dim_forward("min")))


def _arg_forward(kind):
    def forward(xp, x, dim=None, keepdim=False):
        fn = xp.argmax if kind == "max" else xp.argmin
        if dim is None:
            out = fn(x)
            return xp.asarray(out.reshape((1,) * x.ndim) if keepdim else out, dtype=xp.int64)
        return xp.asarray(fn(x, axis=dim % builtins.max(x.ndim, 1), keepdims=keepdim), dtype=xp.int64)
    return forward


argmax_op = register(OpDef(
    name="argmax", forward=_arg_forward("max"), diff_outputs=(), infer=reduce_infer("argmax", _dt.int64),
    samples=lambda: [Sample((randn(3, 4),), {}, grad=False), Sample((randn(3, 4),), {"dim": 1}, grad=False),
                     Sample((randn(2, 3, 4),), {"dim": 0, "keepdim": True}, grad=False)],
    torch_ref=lambda torch, x, dim=None, keepdim=False: torch.argmax(x, dim, keepdim),
    reference=_arg_forward("max")))
argmin_op = register(OpDef(
    name="argmin", forward=_arg_forward("min"), diff_outputs=(), infer=reduce_infer("argmin", _dt.int64),
    samples=lambda: [Sample((randn(3, 4),), {}, grad=False), Sample((randn(3, 4),), {"dim": 1}, grad=False)],
    torch_ref=lambda torch, x, dim=None, keepdim=False: torch.argmin(x, dim, keepdim),
    reference=_arg_forward("min")))


def _attrs(dim, keepdim):
    attrs = {} if dim is None else {"dim": tuple(dim) if isinstance(dim, list) else dim}
    if keepdim:
        attrs["keepdim"] = True
    return attrs


def amax(input, dim=None, keepdim=False):
    return dispatch(amax_op, (input,), _attrs(dim if dim != () else None, keepdim))


def amin(input, dim=None, keepdim=False):
    return dispatch(amin_op, (input,), _attrs(dim if dim != () else None, keepdim))


class _MinMaxResult(tuple):
    """(values, indices) with names, like torch.return_types.max."""
    @property
    def values(self):
        return self[0]

    @property
    def indices(self):
        return self[1]


def max(input, dim=None, keepdim=False):
    """max(x) -> value; max(x, dim) -> (values, indices); max(x, other_tensor) -> maximum."""
    if dim is None:
        return amax(input)
    if not isinstance(dim, int):
        return F.maximum(input, dim)
    return _MinMaxResult(dispatch(max_dim_op, (input,), {"dim": dim, "keepdim": keepdim}))


def min(input, dim=None, keepdim=False):
    if dim is None:
        return amin(input)
    if not isinstance(dim, int):
        return F.minimum(input, dim)
    return _MinMaxResult(dispatch(min_dim_op, (input,), {"dim": dim, "keepdim": keepdim}))


def argmax(input, dim=None, keepdim=False):
    return dispatch(argmax_op, (input,), _attrs(dim, keepdim))


def argmin(input, dim=None, keepdim=False):
    return dispatch(argmin_op, (input,), _attrs(dim, keepdim))


amax_op.public, amin_op.public, argmax_op.public, argmin_op.public = amax, amin, argmax, argmin
max_dim_op.public = lambda x, dim, keepdim=False: max(x, dim, keepdim)
min_dim_op.public = lambda x, dim, keepdim=False: min(x, dim, keepdim)
