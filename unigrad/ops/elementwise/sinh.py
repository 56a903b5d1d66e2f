"""sinh: the hyperbolic sine, elementwise."""
from .. import api as F
from ..dispatch import dispatch
from ..operands import as_float_tensor
from ..registry import Compiled, Onnx, OpDef, Variants, register
from ..spec import elementwise_flops
from .binary import NO_ATTRS
from .unary import any_samples, same_infer


def _forward(xp, x):
    return xp.sinh(x)


def _backward(ctx, g):
    x = ctx.inputs[0]
    return (F.mul(g, F.cosh(x)),)


sinh_op = OpDef(
    name="sinh", forward=_forward, backward=_backward, infer=same_infer, compiled=Compiled(flops=elementwise_flops),
    onnx=Onnx("Sinh", opset=9),
    variants=Variants(methods=("sinh",), inplace=("sinh_",)),
    samples=any_samples, torch_ref=lambda torch, x: torch.sinh(x), reference=_forward)


def sinh(input):
    """The hyperbolic sine of each element (torch.sinh).

    Example::

        >>> ug.sinh(ug.tensor([0.0, 1.0]))
        tensor([0.    , 1.1752])
    """
    return dispatch(sinh_op, (as_float_tensor(input),), NO_ATTRS)


register(sinh_op, public=sinh)
