"""reciprocal: 1 / input, elementwise."""
from .. import api as F
from ..dispatch import dispatch
from ..operands import as_float_tensor
from ..registry import Compiled, Onnx, OpDef, Sample, Variants, register
from ..sampling import away_from
from ..spec import elementwise_flops
from .binary import NO_ATTRS
from .unary import same_infer


def _forward(xp, x):
    return xp.reciprocal(x)


def _backward(ctx, g):
    x = ctx.inputs[0]
    return (F.neg(F.div(g, F.square(x))),)


def _away_from_zero():
    return [Sample((away_from(3, 4, gap=0.3),)), Sample((away_from(5, gap=0.3, seed=2),)),
            Sample((away_from(4, 3, gap=0.3).T,))]


reciprocal_op = OpDef(
    name="reciprocal", forward=_forward, backward=_backward, infer=same_infer,
    compiled=Compiled(flops=elementwise_flops),
    onnx=Onnx("Reciprocal", opset=6),
    variants=Variants(methods=("reciprocal",), inplace=("reciprocal_",)),
    samples=_away_from_zero, torch_ref=lambda torch, x: torch.reciprocal(x), reference=_forward)


def reciprocal(input):
    """1 / input, elementwise (torch.reciprocal).

    Example::

        >>> ug.reciprocal(ug.tensor([2.0, -0.5]))
        tensor([ 0.5, -2. ])
    """
    return dispatch(reciprocal_op, (as_float_tensor(input),), NO_ATTRS)


register(reciprocal_op, public=reciprocal)
