"""slice: x[spec] for a basic index (ints, slices, None, Ellipsis), a view of x. Internal: users
index with x[...] (getitem), which picks this op when the index holds no tensors."""
import numpy as np

from .. import api as F
from ..dispatch import dispatch
from ..registry import INTERNAL, Compiled, Onnx, OpDef, Sample, register
from ..sampling import randn
from ..spec import Spec
from .index import index_grad
from .indexing import check_bounds


def _forward(xp, x, index):
    return x[index]


def _backward(ctx, g):
    return (index_grad(g, shape=tuple(ctx.inputs[0].shape), index=ctx.attrs["index"], accumulate=False),)


def _infer(x, index):
    check_bounds(x.shape, index)
    probe = np.broadcast_to(np.empty((), dtype=np.bool_), x.shape)  # a shape without memory
    return Spec(probe[index].shape, x.dtype)


def _view_inverse(base, new, attrs):
    """The base's new value when the slice of it becomes `new` (an in-place update of the view)."""
    return F.index_put(base, attrs["index"], new)


slice_op = OpDef(
    name="slice", saves_inputs=False, forward=_forward, backward=_backward, view=True, infer=_infer,
    onnx=Onnx(emit=lambda e, x, index: e.basic_index(x, index)),
    compiled=Compiled(view_inverse=_view_inverse), variants=INTERNAL,
    samples=lambda: [Sample((randn(4, 5),), {"index": (slice(1, 3), slice(None, None, 2))}),
                     Sample((randn(3, 4, 5),), {"index": (1, Ellipsis, None, slice(-2, None))}),
                     Sample((randn(4, 5),), {"index": (slice(None), 0)})],
    torch_ref=lambda torch, x, index: x[index], reference=lambda np, x, index: x[index])


def basic_index(input, index):
    """``input[index]`` for a spec of ints, slices, None and Ellipsis (no tensors): a view of
    input. What getitem calls for such an index; ints out of range raise OutOfBoundsError.

    Example::

        >>> from unigrad.ops.movement.slice import basic_index
        >>> basic_index(ug.arange(10).reshape(2, 5), (slice(None), slice(1, None, 2)))
        tensor([[1, 3],
                [6, 8]])
    """
    check_bounds(tuple(input.shape), index)
    return dispatch(slice_op, (input,), {"index": index})


register(slice_op, public=basic_index)
