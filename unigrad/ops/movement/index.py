"""index: x[spec] for an advanced index (one holding integer or bool tensors), a copy; and
index_grad, the adjoint it shares with slice: the gradient scattered into zeros of x's shape.
Both internal: users index with x[...] (getitem)."""
import numpy as np

from .. import api as F
from ...backend import dtypes as _dt
from ...errors import UnigradError
from ..dispatch import dispatch
from ..registry import INTERNAL, Compiled, Onnx, OpDef, Sample, register
from ..sampling import randn
from ..spec import Spec
from .indexing import MANY, Slot, add_at, build_index, plain_index


def _forward(xp, x, *idx, index):
    return x[build_index(xp, index, idx)]


def _infer(x, *idx, index):
    """NumPy's advanced-indexing shape for integer index tensors (their values are not needed);
    a bool mask's result size depends on its values, so it has no shape rule."""
    if any(i.dtype is _dt.bool_ for i in idx):
        raise UnigradError("op 'index': a bool mask picks a number of elements known only from its values")
    probe = np.broadcast_to(np.empty((), dtype=np.bool_), x.shape)  # a shape without memory
    key = tuple(np.zeros(idx[item.i].shape, np.intp) if isinstance(item, Slot) else item for item in index)
    return Spec(probe[key].shape, x.dtype)


def _backward(ctx, g):
    x, *idx = ctx.inputs
    return (index_grad(g, *idx, shape=tuple(x.shape), index=ctx.attrs["index"], accumulate=True),) + (None,) * len(idx)


index_op = OpDef(
    name="index", forward=_forward, backward=_backward, infer=_infer, nondiff_inputs=MANY,
    onnx=Onnx(emit=lambda e, x, *indices, index: e.advanced_index(x, *indices, index=index)),
    compiled=Compiled(fresh=True),
    variants=INTERNAL,
    samples=lambda: [Sample((randn(5, 3), np.array([0, 2, 2, 4])), {"index": (Slot(0),)}),
                     Sample((randn(4, 5), np.array([[0, 1], [3, 3]]), np.array([1, 4])),
                            {"index": (Slot(0), Slot(1))}),
                     Sample((randn(3, 4, 5), np.array([2, 0])), {"index": (slice(None), Slot(0), slice(1, 3))})],
    torch_ref=lambda torch, x, *idx, index: x[plain_index(index, idx)],
    reference=lambda np, x, *idx, index: x[build_index(np, index, idx)])


def advanced_index(input, *indices, index):
    """``input[index]`` for a spec whose Slot(i) entries stand for the tensors ``indices[i]``
    (integer positions, or a bool mask standing for its nonzero positions): a new tensor. What
    getitem calls for an index holding tensors.

    Example::

        >>> from unigrad.ops.movement.index import advanced_index
        >>> from unigrad.ops.movement.indexing import Slot
        >>> advanced_index(ug.tensor([10, 20, 30]), ug.tensor([2, 0, 2]), index=(Slot(0),))
        tensor([30, 10, 30])
    """
    return dispatch(index_op, (input, *indices), {"index": index})


register(index_op, public=advanced_index)


def _grad_forward(xp, g, *idx, shape, index, accumulate):
    out = xp.zeros(shape, dtype=g.dtype)
    key = build_index(xp, index, idx)
    if accumulate:
        add_at(xp, out, key, g)
    else:
        out[key] = g
    return out


def _grad_backward(ctx, gg):
    g, *idx = ctx.inputs
    return (F.getitem(gg, plain_index(ctx.attrs["index"], idx)),) + (None,) * len(idx)


def _torch_slice_set(torch, g, shape, index):
    out = torch.zeros(shape, dtype=g.dtype)
    out[index] = g
    return out


index_grad_op = OpDef(
    name="index_grad", forward=_grad_forward, backward=_grad_backward, nondiff_inputs=MANY,
    infer=lambda g, *idx, shape, index, accumulate: Spec(shape, g.dtype), variants=INTERNAL,
    samples=lambda: [Sample((randn(4),
                             np.array([0, 2, 2, 1])), {"shape": (3,), "index": (Slot(0),), "accumulate": True}),
                     Sample((randn(2, 5),), {"shape": (4, 5), "index": (slice(1, 3),), "accumulate": False})],
    torch_ref=lambda torch, g, *idx, shape, index, accumulate: torch.zeros(shape, dtype=g.dtype).index_put(
        plain_index(index, idx), g, accumulate=True) if idx else _torch_slice_set(torch, g, shape, index))


def index_grad(grad, *indices, shape, index, accumulate):
    """Zeros of `shape` with `grad` written at ``[index]`` (the spec's Slots filled from
    `indices`): the gradient of slice (accumulate=False) and of index (accumulate=True, where
    repeated positions sum).

    Example::

        >>> from unigrad.ops.movement.index import index_grad
        >>> from unigrad.ops.movement.indexing import Slot
        >>> index_grad(ug.tensor([1.0, 2.0, 3.0]), ug.tensor([0, 2, 0]), shape=(4,), index=(Slot(0),),
        ...            accumulate=True)
        tensor([4., 0., 2., 0.])
    """
    return dispatch(index_grad_op, (grad, *indices), {"shape": shape, "index": index, "accumulate": accumulate})


register(index_grad_op, public=index_grad)
