"""cumprod: cumulative products along a dim, with a gradient that is exact where inputs are 0."""
import numpy as np

from .. import api as F
from ..dispatch import dispatch
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec, normalize_dim


def _forward(xp, x, dim):
    return xp.cumprod(x, axis=dim) if x.ndim else x.copy()


def _backward(ctx, g):
    """d y_j / d x_i = prod of x_k over k <= j, k != i (j >= i), without dividing by x_i: the
    exclusive prefix product before i times the products strictly between i and j."""
    x = ctx.inputs[0]
    dim = ctx.attrs["dim"]
    if x.ndim == 0:
        return (g,)
    n = x.shape[dim]
    xl, gl = F.movedim(x, dim, -1), F.movedim(g, dim, -1)
    k = F.arange(n, device=x.device)
    row, col = F.unsqueeze(k, 1), F.unsqueeze(k, 0)     # (i, j) position masks, built by ops so graphs keep them
    between = F.cumprod(F.where(F.gt(col, row), F.unsqueeze(xl, -2), F.ones_like(F.unsqueeze(xl, -2))), -1)
    prefix = _exclusive(xl, n)
    later = F.where(F.ge(col, row), between, F.zeros_like(between))
    grad = F.mul(prefix, F.sum(F.mul(F.unsqueeze(gl, -2), later), -1))
    return (F.movedim(grad, -1, dim),)


def _exclusive(x, n):
    """The product of the elements before each position along the last dim (1 for the first)."""
    first = F.ones_like(x[..., :1])
    return F.cat([first, F.cumprod(x[..., :n - 1], -1)], -1) if n > 1 else first


def _infer(x, dim):
    normalize_dim("cumprod", dim, len(x.shape))
    return Spec(x.shape, x.dtype)


cumprod_op = OpDef(
    name="cumprod", forward=_forward, backward=_backward, infer=_infer,
    onnx=Onnx(emit=lambda e, x, dim: e.node("CumProd", [x, e.const(np.asarray(dim, np.int64))]), opset=26),
    variants=Variants(methods=("cumprod",)),
    samples=lambda: [Sample((randn(3, 4),), {"dim": 1}), Sample((randn(2, 3, 2),), {"dim": 0}),
                     Sample((np.array([[2.0, 0.0, 3.0, 0.5], [0.0, 0.0, 1.5, -1.0]]),), {"dim": 1}, name="zeros")],
    torch_ref=lambda torch, x, dim: torch.cumprod(x, dim), reference=_forward)


def cumprod(input, dim):
    """The cumulative product of input along dim: ``y[i] = x[0] * ... * x[i]`` (torch.cumprod).

    Example::

        >>> ug.cumprod(ug.tensor([1.0, 2.0, 3.0, 4.0]), 0)
        tensor([ 1.,  2.,  6., 24.])
    """
    return dispatch(cumprod_op, (input,), {"dim": normalize_dim("cumprod", dim, input.ndim) if input.ndim else 0})


register(cumprod_op, public=cumprod)
