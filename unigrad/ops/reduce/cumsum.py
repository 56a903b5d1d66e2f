"""cumsum: running sums along a dim; the gradient is the reversed running sum of the gradient."""
import numpy as np

from ...backend import dtypes as _dt
from .. import api as F
from ..dispatch import dispatch
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec, normalize_dim


def _forward(xp, x, dim):
    if x.ndim == 0:
        return x.copy()
    return xp.cumsum(x, axis=dim, dtype=x.dtype)


def _backward(ctx, g):
    if ctx.inputs[0].ndim == 0:
        return (g,)
    dim = ctx.attrs["dim"]
    return (F.flip(F.cumsum(F.flip(g, (dim,)), dim), (dim,)),)


def _infer(x, dim):
    normalize_dim("cumsum", dim, max(len(x.shape), 1))
    return Spec(x.shape, x.dtype)


cumsum_op = OpDef(
    name="cumsum", forward=_forward, backward=_backward, infer=_infer, saves_inputs=False,
    onnx=Onnx(emit=lambda e, x, dim: e.node("Identity", [x]) if e.rank(x) == 0 else
              e.node("CumSum", [x, e.const(np.asarray(dim, np.int64))]), opset=11),
    variants=Variants(methods=("cumsum",)),
    samples=lambda: [Sample((randn(3, 4),), {"dim": 1}), Sample((randn(2, 3, 2),), {"dim": 0}),
                     Sample((np.asarray(randn(())),), {"dim": 0}), Sample((randn(4, 3).T,), {"dim": 1}),
                     Sample((randn(0, 3),), {"dim": 0})],
    torch_ref=lambda torch, x, dim: torch.cumsum(x, dim), reference=_forward)


def cumsum(input, dim, dtype=None):
    """The running sum of input along dim: ``y[i] = x[0] + ... + x[i]`` (torch.cumsum). Integer
    and bool inputs sum in int64 unless dtype says otherwise, as torch.

    Example::

        >>> ug.cumsum(ug.tensor([1.0, 2.0, 3.0, 4.0]), 0)
        tensor([ 1.,  3.,  6., 10.])
        >>> ug.tensor([[1, 2], [3, 4]]).cumsum(dim=1)
        tensor([[1, 3],
                [3, 7]])
    """
    if dtype is not None:
        input = F.to_dtype(input, dtype)
    elif not input.dtype.is_floating_point and input.dtype is not _dt.int64:
        input = F.to_dtype(input, _dt.int64)
    return dispatch(cumsum_op, (input,), {"dim": normalize_dim("cumsum", dim, max(input.ndim, 1)) if input.ndim else 0})


register(cumsum_op, public=cumsum)
