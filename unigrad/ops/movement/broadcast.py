"""broadcast_to (expand) and its adjoint sum_to (reduce a broadcast gradient back to a shape)."""
from ...errors import ShapeError
from ..registry import Compiled, OpDef, Sample, register
from ..sampling import randn
from ..spec import Spec, broadcast_shapes


def _expand_shape(in_shape, shape):
    shape = tuple(shape)
    lead = len(shape) - len(in_shape)
    if lead < 0:
        raise ShapeError(f"op 'broadcast_to': cannot expand shape {tuple(in_shape)} to fewer dims {shape}")
    return tuple(in_shape[i - lead] if (s == -1 and i >= lead) else s for i, s in enumerate(shape))


def _broadcast_infer(x, shape):
    target = _expand_shape(x.shape, shape)
    if broadcast_shapes("broadcast_to", x.shape, target) != target:
        raise ShapeError(f"op 'broadcast_to': shape {x.shape} cannot expand to {tuple(shape)}")
    return Spec(target, x.dtype)


broadcast_to_op = register(OpDef(
    name="broadcast_to", saves_inputs=False,
    forward=lambda xp, x, shape: xp.broadcast_to(x, _expand_shape(x.shape, shape)),
    backward=lambda ctx, g: (sum_to(g, ctx.inputs[0].shape),),
    infer=_broadcast_infer,
    view=True,
    samples=lambda: [Sample((randn(3, 1),), {"shape": (2, 3, 4)}), Sample((randn(4),), {"shape": (3, -1)}),
                     Sample((randn(()),), {"shape": (2, 2)})],
    torch_ref=lambda torch, x, shape: x.expand(*shape),
    reference=lambda np, x, shape: np.broadcast_to(x, _expand_shape(x.shape, shape)),
    doc="Broadcast to a larger shape without copying (-1 keeps a dim).",
))


def _sum_to_forward(xp, x, shape):
    shape = tuple(shape)
    lead = x.ndim - len(shape)
    if lead == 1 and x.shape[1:] == shape:  # a bias gradient: one plain reduction
        return x.sum(axis=0)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape) if s == 1 and x.shape[i + lead] != 1)
    out = x.sum(axis=axes, keepdims=True) if axes else x
    return out.reshape(shape) if lead or out.shape != shape else out


def _sum_to_infer(x, shape):
    if broadcast_shapes("sum_to", x.shape, tuple(shape)) != x.shape:
        raise ShapeError(f"op 'sum_to': {x.shape} is not a broadcast of {tuple(shape)}")
    return Spec(shape, x.dtype)


sum_to_op = register(OpDef(
    name="sum_to", saves_inputs=False,
    forward=_sum_to_forward,
    # the input itself when there is nothing to reduce; a new array otherwise
    compiled=Compiled(may_alias=lambda node: node.inputs[0].shape == node.outputs[0].shape),
    backward=lambda ctx, g: (broadcast_to(g, ctx.inputs[0].shape),),
    infer=_sum_to_infer,
    samples=lambda: [Sample((randn(2, 3, 4),), {"shape": (3, 1)}), Sample((randn(2, 3),), {"shape": ()}),
                     Sample((randn(2, 3),), {"shape": (2, 3)})],
    torch_ref=lambda torch, x, shape: x.sum_to_size(*shape) if shape else x.sum(),
    reference=lambda np, x, shape: _sum_to_forward(np, x, shape),
    doc="Sum a tensor down to `shape` (the gradient of broadcasting).",
))


def broadcast_to(x, shape):
    shape = tuple(shape)
    if tuple(x._data.shape) == shape:
        return x
    return _dispatch(broadcast_to_op, x, shape)


def sum_to(g, shape):
    """Reduce gradient g to `shape`; free when shapes already match."""
    shape = tuple(shape)
    if g._data.shape == shape:
        return g
    return _dispatch(sum_to_op, g, shape)


def _dispatch(op, x, shape):
    from ..dispatch import dispatch
    return dispatch(op, (x,), {"shape": shape})


broadcast_to_op.public = broadcast_to
sum_to_op.public = sum_to
