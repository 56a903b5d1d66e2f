"""hardswish: x * relu6(x + 3) / 6, MobileNetV3's cheap swish."""
from .. import api as F
from ..dispatch import dispatch
from ..registry import Compiled, Onnx, OpDef, Sample, Variants, register
from ..sampling import away_from
from ..spec import elementwise_flops
from ..elementwise.binary import NO_ATTRS
from ..elementwise.unary import same_infer
from .common import floating


def _forward(xp, x):
    return x * xp.clip(x + 3, 0, 6) / 6


def _backward(ctx, g):
    x = ctx.inputs[0]
    slope = F.where(F.lt(x, -3.0), F.zeros_like(x), F.where(F.gt(x, 3.0), F.ones_like(x), F.add(F.div(x, 3.0), 0.5)))
    return (F.mul(g, slope),)


hardswish_op = OpDef(
    name="hardswish", forward=_forward, backward=_backward, infer=same_infer,
    onnx=Onnx("HardSwish", opset=14),
    compiled=Compiled(fusion=("({0} * where({0} > 3, 6, where({0} < -3, 0, {0} + 3)) / 6)",
                              "({0} * min(max({0} + 3, 0.0), 6.0) / 6)"), flops=elementwise_flops),
    variants=Variants(methods=("hardswish",), functional=True),
    samples=lambda: [Sample((away_from(3, 4, points=(-3.0, 3.0)) * 3,)), Sample((away_from(5, seed=2),))],
    torch_ref=lambda torch, x: torch.nn.functional.hardswish(x), reference=_forward)


def hardswish(input):
    """``x * relu6(x + 3) / 6``, elementwise: 0 below -3, x above 3, a parabola between
    (Howard et al., MobileNetV3).

    Example::

        >>> ug.hardswish(ug.tensor([-4.0, 0.0, 1.0, 4.0]))
        tensor([-0.    ,  0.    ,  0.6667,  4.    ])
    """
    return dispatch(hardswish_op, (floating(input),), NO_ATTRS)


register(hardswish_op, public=hardswish)
