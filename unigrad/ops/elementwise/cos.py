"""cos: the cosine (radians), elementwise."""
from .. import api as F
from ..dispatch import dispatch
from ..operands import as_float_tensor
from ..registry import Compiled, Onnx, OpDef, Variants, register
from ..spec import elementwise_flops
from .binary import NO_ATTRS
from .unary import any_samples, same_infer


def _forward(xp, x):
    return xp.cos(x)


def _backward(ctx, g):
    return (F.neg(F.mul(g, F.sin(ctx.inputs[0]))),)


cos_op = OpDef(
    name="cos", forward=_forward, backward=_backward, infer=same_infer, compiled=Compiled(flops=elementwise_flops),
    onnx=Onnx("Cos"),
    variants=Variants(methods=("cos",)),
    samples=any_samples, torch_ref=lambda torch, x: torch.cos(x), reference=_forward)


def cos(input):
    """The cosine of input (radians), elementwise.

    Example::

        >>> ug.cos(ug.tensor([0.0, 3.1415927]))
        tensor([ 1., -1.])
    """
    return dispatch(cos_op, (as_float_tensor(input),), NO_ATTRS)


register(cos_op, public=cos)
