"""atan2: the angle of the point (other, input) (radians, in (-pi, pi]), elementwise."""
from .. import api as F
from ..dispatch import dispatch
from ..operands import as_float_tensor, tensor_operands
from ..registry import OpDef, Sample, Variants, register
from ..sampling import positive, randn
from .binary import NO_ATTRS, binary_infer, reduce_broadcast


def _forward(xp, y, x):
    return xp.arctan2(y, x)


def _backward(ctx, g):
    y, x = ctx.inputs
    r2 = F.add(F.mul(x, x), F.mul(y, y))
    gy = F.div(F.mul(g, x), r2) if ctx.needs_input_grad(0) else None
    gx = F.div(F.mul(F.neg(g), y), r2) if ctx.needs_input_grad(1) else None
    return reduce_broadcast(ctx, gy, gx)


atan2_op = OpDef(
    name="atan2", forward=_forward, backward=_backward, infer=binary_infer("atan2"),
    variants=Variants(aliases=("arctan2",), methods=("atan2", "arctan2"), inplace=("atan2_",)),
    samples=lambda: [Sample((randn(3, 4), randn(3, 4, seed=1))), Sample((randn(2, 3), positive(3, seed=2)))],
    torch_ref=lambda torch, y, x: torch.atan2(y, x), reference=_forward)


def atan2(input, other):
    """The angle of the point (x=other, y=input) from the x axis, in (-pi, pi], elementwise and
    broadcasting (torch.atan2).

    Example::

        >>> ug.atan2(ug.tensor([1.0, -1.0]), ug.tensor([0.0, -1.0]))
        tensor([ 1.5708, -2.3562])
    """
    a, b = tensor_operands(input, other)
    return dispatch(atan2_op, (as_float_tensor(a), as_float_tensor(b)), NO_ATTRS)


register(atan2_op, public=atan2)
