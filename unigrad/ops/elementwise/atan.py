"""atan: the arctangent (radians), elementwise."""
from .. import api as F
from ..dispatch import dispatch
from ..operands import as_float_tensor
from ..registry import Compiled, Onnx, OpDef, Variants, register
from ..spec import elementwise_flops
from .binary import NO_ATTRS
from .unary import any_samples, same_infer


def _forward(xp, x):
    return xp.arctan(x)


def _backward(ctx, g):
    x = ctx.inputs[0]
    return (F.div(g, F.add(F.square(x), 1.0)),)


atan_op = OpDef(
    name="atan", forward=_forward, backward=_backward, infer=same_infer, compiled=Compiled(flops=elementwise_flops),
    onnx=Onnx("Atan", opset=7),
    variants=Variants(aliases=("arctan",), methods=("atan", "arctan"), inplace=("atan_", "arctan_")),
    samples=any_samples, torch_ref=lambda torch, x: torch.atan(x), reference=_forward)


def atan(input):
    """The arctangent (radians) of each element (torch.atan).

    Example::

        >>> ug.atan(ug.tensor([0.0, 1.0]))
        tensor([0.    , 0.7854])
    """
    return dispatch(atan_op, (as_float_tensor(input),), NO_ATTRS)


register(atan_op, public=atan)
