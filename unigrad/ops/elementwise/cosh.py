"""cosh: the hyperbolic cosine, elementwise."""
from .. import api as F
from ..dispatch import dispatch
from ..operands import as_float_tensor
from ..registry import Compiled, Onnx, OpDef, Variants, register
from ..spec import elementwise_flops
from .binary import NO_ATTRS
from .unary import any_samples, same_infer


def _forward(xp, x):
    return xp.cosh(x)


def _backward(ctx, g):
    x = ctx.inputs[0]
    return (F.mul(g, F.sinh(x)),)


cosh_op = OpDef(
    name="cosh", forward=_forward, backward=_backward, infer=same_infer, compiled=Compiled(flops=elementwise_flops),
    onnx=Onnx("Cosh", opset=9),
    variants=Variants(methods=("cosh",), inplace=("cosh_",)),
    samples=any_samples, torch_ref=lambda torch, x: torch.cosh(x), reference=_forward)


def cosh(input):
    """The hyperbolic cosine of each element (torch.cosh).

    Example::

        >>> ug.cosh(ug.tensor([0.0, 1.0]))
        tensor([1.    , 1.5431])
    """
    return dispatch(cosh_op, (as_float_tensor(input),), NO_ATTRS)


register(cosh_op, public=cosh)
