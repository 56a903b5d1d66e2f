"""asinh: the inverse hyperbolic sine, elementwise."""
from .. import api as F
from ..dispatch import dispatch
from ..operands import as_float_tensor
from ..registry import Compiled, Onnx, OpDef, Variants, register
from ..spec import elementwise_flops
from .binary import NO_ATTRS
from .unary import any_samples, same_infer


def _forward(xp, x):
    return xp.arcsinh(x)


def _backward(ctx, g):
    x = ctx.inputs[0]
    return (F.div(g, F.sqrt(F.add(F.square(x), 1.0))),)


asinh_op = OpDef(
    name="asinh", forward=_forward, backward=_backward, infer=same_infer, compiled=Compiled(flops=elementwise_flops),
    onnx=Onnx("Asinh", opset=9),
    variants=Variants(aliases=("arcsinh",), methods=("asinh", "arcsinh"), inplace=("asinh_", "arcsinh_")),
    samples=any_samples, torch_ref=lambda torch, x: torch.asinh(x), reference=_forward)


def asinh(input):
    """The inverse hyperbolic sine of each element (torch.asinh).

    Example::

        >>> ug.asinh(ug.tensor([0.0, 1.0]))
        tensor([0.    , 0.8814])
    """
    return dispatch(asinh_op, (as_float_tensor(input),), NO_ATTRS)


register(asinh_op, public=asinh)
