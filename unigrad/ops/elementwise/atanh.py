"""atanh: the inverse hyperbolic tangent, for inputs in (-1, 1), elementwise."""
from .. import api as F
from ..dispatch import dispatch
from ..operands import as_float_tensor
from ..registry import Compiled, Onnx, OpDef, Variants, register
from ..spec import elementwise_flops
from .binary import NO_ATTRS
from .unary import inside_unit_samples, same_infer


def _forward(xp, x):
    return xp.arctanh(x)


def _backward(ctx, g):
    x = ctx.inputs[0]
    return (F.div(g, F.rsub(F.square(x), 1.0)),)


atanh_op = OpDef(
    name="atanh", forward=_forward, backward=_backward, infer=same_infer, compiled=Compiled(flops=elementwise_flops),
    onnx=Onnx("Atanh", opset=9),
    variants=Variants(aliases=("arctanh",), methods=("atanh", "arctanh"), inplace=("atanh_", "arctanh_")),
    samples=inside_unit_samples, torch_ref=lambda torch, x: torch.atanh(x), reference=_forward)


def atanh(input):
    """The inverse hyperbolic tangent, for inputs in (-1, 1) of each element (torch.atanh).

    Example::

        >>> ug.atanh(ug.tensor([0.0, 0.5]))
        tensor([0.    , 0.5493])
    """
    return dispatch(atanh_op, (as_float_tensor(input),), NO_ATTRS)


register(atanh_op, public=atanh)
