"""acos: the arccosine (radians), for inputs in [-1, 1], elementwise."""
from .. import api as F
from ..dispatch import dispatch
from ..operands import as_float_tensor
from ..registry import Compiled, Onnx, OpDef, Variants, register
from ..spec import elementwise_flops
from .binary import NO_ATTRS
from .unary import inside_unit_samples, same_infer


def _forward(xp, x):
    return xp.arccos(x)


def _backward(ctx, g):
    x = ctx.inputs[0]
    return (F.neg(F.div(g, F.sqrt(F.rsub(F.square(x), 1.0)))),)


acos_op = OpDef(
    name="acos", forward=_forward, backward=_backward, infer=same_infer, compiled=Compiled(flops=elementwise_flops),
    onnx=Onnx("Acos", opset=7),
    variants=Variants(aliases=("arccos",), methods=("acos", "arccos"), inplace=("acos_", "arccos_")),
    samples=inside_unit_samples, torch_ref=lambda torch, x: torch.acos(x), reference=_forward)


def acos(input):
    """The arccosine (radians), for inputs in [-1, 1] of each element (torch.acos).

    Example::

        >>> ug.acos(ug.tensor([1.0, 0.0]))
        tensor([0.    , 1.5708])
    """
    return dispatch(acos_op, (as_float_tensor(input),), NO_ATTRS)


register(acos_op, public=acos)
