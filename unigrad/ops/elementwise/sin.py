"""sin: the sine (radians), elementwise."""
from .. import api as F
from ..dispatch import dispatch
from ..operands import as_float_tensor
from ..registry import Compiled, Onnx, OpDef, Variants, register
from ..spec import elementwise_flops
from .binary import NO_ATTRS
from .unary import any_samples, same_infer


def _forward(xp, x):
    return xp.sin(x)


def _backward(ctx, g):
    return (F.mul(g, F.cos(ctx.inputs[0])),)


sin_op = OpDef(
    name="sin", forward=_forward, backward=_backward, infer=same_infer, compiled=Compiled(flops=elementwise_flops),
    onnx=Onnx("Sin"),
    variants=Variants(methods=("sin",)),
    samples=any_samples, torch_ref=lambda torch, x: torch.sin(x), reference=_forward)


def sin(input):
    """The sine of input (radians), elementwise.

    Example::

        >>> ug.sin(ug.tensor([0.0, 1.5707964]))
        tensor([0., 1.])
    """
    return dispatch(sin_op, (as_float_tensor(input),), NO_ATTRS)


register(sin_op, public=sin)
