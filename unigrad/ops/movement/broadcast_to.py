"""broadcast_to (Tensor.expand) and its adjoint sum_to, which reduces a broadcast gradient back
to a shape."""
import numpy as np

from ...errors import ShapeError
from ..dispatch import dispatch
from ..registry import Compiled, Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec, broadcast_shapes, same_shape


def _expand_shape(in_shape, shape):
    shape = tuple(shape)
    lead = len(shape) - len(in_shape)
    if lead < 0:
        raise ShapeError(f"op 'broadcast_to': cannot expand shape {tuple(in_shape)} to fewer dims {shape}")
    return tuple(in_shape[i - lead] if (s == -1 and i >= lead) else s for i, s in enumerate(shape))


def _forward(xp, x, shape):
    return xp.broadcast_to(x, _expand_shape(x.shape, shape))


def _backward(ctx, g):
    return (sum_to(g, ctx.inputs[0].shape),)


def _infer(x, shape):
    target = _expand_shape(x.shape, shape)
    if broadcast_shapes("broadcast_to", x.shape, target) != target:
        raise ShapeError(f"op 'broadcast_to': shape {x.shape} cannot expand to {tuple(shape)}")
    return Spec(target, x.dtype)


def expand(self, *sizes):
    """self broadcast to `sizes` (given one by one or as one tuple; -1 keeps a dim): a view."""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = sizes[0]
    return broadcast_to(self, tuple(sizes))


def expand_as(self, other):
    """self broadcast to other's shape: a view."""
    return broadcast_to(self, tuple(other.shape))


broadcast_to_op = OpDef(
    name="broadcast_to", saves_inputs=False, forward=_forward, backward=_backward, infer=_infer, view=True,
    onnx=Onnx(emit=lambda e, x, shape: e.node("Expand", [x, e.ints(e.current_outs[0][0])])),
    compiled=Compiled(identity=same_shape), variants=Variants(methods={"expand": expand, "expand_as": expand_as}),
    samples=lambda: [Sample((randn(3, 1),), {"shape": (2, 3, 4)}), Sample((randn(4),), {"shape": (3, -1)}),
                     Sample((randn(()),), {"shape": (2, 2)})],
    torch_ref=lambda torch, x, shape: x.expand(*shape),
    reference=lambda np, x, shape: np.broadcast_to(x, _expand_shape(x.shape, shape)),
)


def broadcast_to(input, shape):
    """input broadcast to `shape` without copying: size-1 dims repeat, new leading dims are
    added, and -1 keeps a dim's size. A read-only view; input itself when the shape is its own.

    Example::

        >>> ug.broadcast_to(ug.tensor([1, 2]), (2, 2))
        tensor([[1, 2],
                [1, 2]])
        >>> ug.zeros(3, 1).expand(2, -1, 4).shape
        unigrad.Size([2, 3, 4])
    """
    shape = tuple(shape)
    if tuple(input._data.shape) == shape:
        return input
    return dispatch(broadcast_to_op, (input,), {"shape": shape})


register(broadcast_to_op, public=broadcast_to)


GEMV_MIN_SIZE = 1 << 16  # from here a BLAS GEMV (multi-threaded, one pass) beats NumPy's row-by-row sum


def _sum_to_forward(xp, x, shape):
    shape = tuple(shape)
    lead = x.ndim - len(shape)
    if lead and x.shape[lead:] == shape:  # a bias gradient: the leading axes summed away
        rows = x.size // max(1, int(np.prod(shape, dtype=np.int64)))
        if (x.size >= GEMV_MIN_SIZE and x.dtype in (np.float32, np.float64) and x.flags.c_contiguous
                and rows > 1):  # ones @ x: summed by BLAS (and in blocks: closer to float64 than a running sum)
            return xp.matmul(xp.ones(rows, x.dtype), x.reshape(rows, -1)).reshape(shape)
        if lead == 1:
            return x.sum(axis=0)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape) if s == 1 and x.shape[i + lead] != 1)
    out = x.sum(axis=axes, keepdims=True) if axes else x
    return out.reshape(shape) if lead or out.shape != shape else out


def _sum_to_backward(ctx, g):
    return (broadcast_to(g, ctx.inputs[0].shape),)


def _sum_to_infer(x, shape):
    if broadcast_shapes("sum_to", x.shape, tuple(shape)) != x.shape:
        raise ShapeError(f"op 'sum_to': {x.shape} is not a broadcast of {tuple(shape)}")
    return Spec(shape, x.dtype)


sum_to_op = OpDef(
    name="sum_to", saves_inputs=False, forward=_sum_to_forward, backward=_sum_to_backward, infer=_sum_to_infer,
    onnx=Onnx(emit=lambda e, x, shape: e.sum_to(x, shape)),
    # the input itself when there is nothing to reduce; a new array otherwise
    compiled=Compiled(may_alias=same_shape, identity=same_shape),
    variants=Variants(methods={"sum_to_size": lambda self, *size: sum_to(
        self, tuple(size[0]) if len(size) == 1 and not isinstance(size[0], int) else tuple(size))}),
    samples=lambda: [Sample((randn(2, 3, 4),), {"shape": (3, 1)}), Sample((randn(2, 3),), {"shape": ()}),
                     Sample((randn(2, 3),), {"shape": (2, 3)})],
    torch_ref=lambda torch, x, shape: x.sum_to_size(*shape) if shape else x.sum(),
    reference=lambda np, x, shape: _sum_to_forward(np, x, shape),
)


def sum_to(input, shape):
    """input summed down to `shape`, of which input's shape is a broadcast: the gradient of
    broadcast_to. input itself when the shapes already match.

    Example::

        >>> ug.sum_to(ug.ones(2, 3), (1, 3))
        tensor([[2., 2., 2.]])
    """
    shape = tuple(shape)
    if input._data.shape == shape:
        return input
    return dispatch(sum_to_op, (input,), {"shape": shape})


register(sum_to_op, public=sum_to)
