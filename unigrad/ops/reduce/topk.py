"""topk: the k largest (or smallest) values along a dim and their positions; the gradient goes
back to those positions."""
import numpy as np

from ...backend import dtypes as _dt
from ...errors import OutOfBoundsError
from .. import api as F
from ..dispatch import dispatch
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec, normalize_dim
from .common import ValuesIndices
from .sort import order


def _forward(xp, x, k, dim, largest=True, sorted=True):
    if x.ndim == 0:
        return x.copy(), xp.zeros((), dtype=xp.int64)
    idx = xp.take(order(xp, x, dim, largest), xp.arange(k), axis=dim)
    return xp.take_along_axis(x, idx, axis=dim), idx.astype(xp.int64)


def _backward(ctx, g, _gi=None):
    x = ctx.inputs[0]
    if x.ndim == 0:
        return (g,)
    return (F.scatter_add(F.zeros_like(x), ctx.attrs["dim"], ctx.output(1), g),)


def _infer(x, k, dim, largest=True, sorted=True):
    if not len(x.shape):
        if k not in (0, 1):
            raise OutOfBoundsError(f"topk: k={k} out of range for a 0-d tensor")
        return Spec((), x.dtype), Spec((), _dt.int64)
    d = normalize_dim("topk", dim, len(x.shape))
    if not 0 <= k <= x.shape[d]:
        raise OutOfBoundsError(f"topk: k={k} out of range for dim {d} of size {x.shape[d]} (shape {tuple(x.shape)})")
    shape = tuple(k if i == d else s for i, s in enumerate(x.shape))
    return Spec(shape, x.dtype), Spec(shape, _dt.int64)


def _onnx(e, x, k, dim, largest=True, sorted=True):
    return e.node("TopK", [x, e.const(np.asarray([k], np.int64))], outputs=2, axis=dim, largest=int(largest), sorted=1)


topk_op = OpDef(
    name="topk", forward=_forward, backward=_backward, infer=_infer, n_outputs=2, saves_outputs=True,
    onnx=Onnx(emit=_onnx, opset=11),
    variants=Variants(methods=("topk",)),
    samples=lambda: [Sample((randn(3, 6),), {"k": 2, "dim": 1}), Sample((randn(5, 3),), {"k": 3, "dim": 0, "largest": False}),
                     Sample((randn(2, 3, 4),), {"k": 4, "dim": 2}), Sample((randn(2, 4),), {"k": 0, "dim": 1})],
    torch_ref=lambda torch, x, k, dim, largest=True, sorted=True: tuple(torch.topk(x, k, dim, largest, sorted)),
    reference=_forward)


def topk(input, k, dim=-1, largest=True, sorted=True):
    """The k largest (largest=False: smallest) elements of input along dim, in order, and their
    indices: a (values, indices) pair, also ``.values`` and ``.indices`` (torch.topk). Ties keep
    the earlier element first; the result is always sorted.

    Example::

        >>> values, indices = ug.topk(ug.tensor([1.0, 5.0, 3.0, 4.0]), 2)
        >>> values, indices
        (tensor([5., 4.]), tensor([1, 3]))
    """
    d = normalize_dim("topk", dim, max(input.ndim, 1)) if input.ndim else 0
    attrs = {"k": int(k), "dim": d, "largest": bool(largest), "sorted": bool(sorted)}
    _infer(input, **attrs)  # k checked before any work, naming the dim
    return ValuesIndices(dispatch(topk_op, (input,), attrs))


register(topk_op, public=topk)
