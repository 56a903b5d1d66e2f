"""asin: the arcsine (radians), for inputs in [-1, 1], elementwise."""
from .. import api as F
from ..dispatch import dispatch
from ..operands import as_float_tensor
from ..registry import Compiled, Onnx, OpDef, Variants, register
from ..spec import elementwise_flops
from .binary import NO_ATTRS
from .unary import inside_unit_samples, same_infer


def _forward(xp, x):
    return xp.arcsin(x)


def _backward(ctx, g):
    x = ctx.inputs[0]
    return (F.div(g, F.sqrt(F.rsub(F.square(x), 1.0))),)


asin_op = OpDef(
    name="asin", forward=_forward, backward=_backward, infer=same_infer, compiled=Compiled(flops=elementwise_flops),
    onnx=Onnx("Asin", opset=7),
    variants=Variants(aliases=("arcsin",), methods=("asin", "arcsin"), inplace=("asin_", "arcsin_")),
    samples=inside_unit_samples, torch_ref=lambda torch, x: torch.asin(x), reference=_forward)


def asin(input):
    """The arcsine (radians), for inputs in [-1, 1] of each element (torch.asin).

    Example::

        >>> ug.asin(ug.tensor([0.0, 1.0]))
        tensor([0.    , 1.5708])
    """
    return dispatch(asin_op, (as_float_tensor(input),), NO_ATTRS)


register(asin_op, public=asin)
