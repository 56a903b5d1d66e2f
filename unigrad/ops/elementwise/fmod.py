"""fmod: the remainder of input / other with the sign of input (C's fmod), elementwise."""
from .. import api as F
from ..dispatch import dispatch
from ..operands import tensor_operands
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import positive, randn
from .binary import NO_ATTRS, binary_infer, reduce_broadcast


def _forward(xp, a, b):
    return xp.fmod(a, b)


def _backward(ctx, g):
    a, b = ctx.inputs
    # fmod(a, b) = a - trunc(a / b) * b, and trunc is flat almost everywhere
    gb = F.mul(F.neg(g), F.trunc(F.div(a, b))) if ctx.needs_input_grad(1) else None
    return reduce_broadcast(ctx, g, gb)


fmod_op = OpDef(
    name="fmod", forward=_forward, backward=_backward, infer=binary_infer("fmod"),
    onnx=Onnx("Mod", attrs=lambda: {"fmod": 1}, opset=10),
    variants=Variants(methods=("fmod",), inplace=("fmod_",)),
    samples=lambda: [Sample((randn(3, 4) * 5 + 0.05, positive(3, 4, seed=1)), double=False),
                     Sample((randn(2, 3) * 5 + 0.05, positive(3, seed=2)), double=False)],
    torch_ref=lambda torch, a, b: torch.fmod(a, b), reference=_forward)


def fmod(input, other):
    """The remainder of input / other with the sign of input (C's fmod, torch.fmod), elementwise,
    broadcasting; ``remainder`` takes the sign of other instead.

    Example::

        >>> ug.fmod(ug.tensor([7, -7]), 3)
        tensor([ 1, -1])
    """
    return dispatch(fmod_op, tensor_operands(input, other), NO_ATTRS)


register(fmod_op, public=fmod)
