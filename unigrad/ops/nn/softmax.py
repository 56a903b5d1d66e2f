"""softmax and log_softmax as primitives (fused, stable forward) with backward in ops."""
from .. import api as F
from ..dispatch import dispatch
from ..operands import as_float_tensor
from ..registry import Compiled, OpDef, Sample, register
from ..sampling import randn
from ..spec import Spec, normalize_dim


def _softmax_forward(xp, x, dim):
    e = xp.exp(x - x.max(axis=dim, keepdims=True))
    e /= e.sum(axis=dim, keepdims=True)
    return e


def _log_softmax_forward(xp, x, dim):
    shifted = x - x.max(axis=dim, keepdims=True)
    return shifted - xp.log(xp.exp(shifted).sum(axis=dim, keepdims=True))


def _softmax_backward(ctx, g):
    y = ctx.output()
    gy = F.mul(g, y)
    return (F.sub(gy, F.mul(y, F.sum(gy, dim=ctx.attrs["dim"], keepdim=True))),)


def _log_softmax_backward(ctx, g):
    y = ctx.output()
    return (F.sub(g, F.mul(F.exp(y), F.sum(g, dim=ctx.attrs["dim"], keepdim=True))),)


def _samples():
    return [Sample((randn(3, 5),), {"dim": 1}), Sample((randn(2, 3, 4) * 5,), {"dim": 0}),
            Sample((randn(4, 3).T,), {"dim": -1})]


softmax_op = register(OpDef(
    name="softmax", forward=_softmax_forward, backward=_softmax_backward, saves_outputs=True, saves_inputs=False,
    compiled=Compiled(fresh=True),
    infer=lambda x, dim: Spec(x.shape, x.dtype), samples=_samples,
    torch_ref=lambda torch, x, dim: torch.softmax(x, dim),
    reference=lambda np, x, dim: np.exp(x) / np.exp(x).sum(axis=dim, keepdims=True)))
log_softmax_op = register(OpDef(
    name="log_softmax", forward=_log_softmax_forward, backward=_log_softmax_backward, saves_outputs=True,
    saves_inputs=False, compiled=Compiled(fresh=True),
    infer=lambda x, dim: Spec(x.shape, x.dtype), samples=_samples,
    torch_ref=lambda torch, x, dim: torch.log_softmax(x, dim),
    reference=lambda np, x, dim: x - np.log(np.exp(x).sum(axis=dim, keepdims=True))))


def _default_dim(x, dim):
    if dim is None:  # PyTorch's legacy rule
        dim = 0 if x.ndim in (0, 1, 3) else 1
    return normalize_dim("softmax", dim, x.ndim) if x.ndim else 0


def softmax(input, dim=None, dtype=None):
    x = as_float_tensor(input) if dtype is None else F.to_dtype(input, dtype)
    if x.ndim == 0:
        return F.ones_like(x)
    return dispatch(softmax_op, (x,), {"dim": _default_dim(x, dim)})


def log_softmax(input, dim=None, dtype=None):
    x = as_float_tensor(input) if dtype is None else F.to_dtype(input, dtype)
    if x.ndim == 0:
        return F.zeros_like(x)
    return dispatch(log_softmax_op, (x,), {"dim": _default_dim(x, dim)})


softmax_op.public = softmax
log_softmax_op.public = log_softmax
