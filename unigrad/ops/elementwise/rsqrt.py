"""rsqrt: 1 / sqrt(input), elementwise."""
from .. import api as F
from ..dispatch import dispatch
from ..operands import as_float_tensor
from ..registry import Compiled, Onnx, OpDef, Variants, register
from ..spec import elementwise_flops
from .binary import NO_ATTRS
from .unary import positive_samples, same_infer


def _forward(xp, x):
    return 1 / xp.sqrt(x)


def _backward(ctx, g):
    return (F.mul(F.mul(g, -0.5), F.div(ctx.output(), ctx.inputs[0])),)


rsqrt_op = OpDef(
    name="rsqrt", forward=_forward, backward=_backward, infer=same_infer, saves_outputs=True,
    onnx=Onnx(emit=lambda e, x: e.node("Reciprocal", [e.node("Sqrt", [x])])),
    compiled=Compiled(flops=elementwise_flops), variants=Variants(methods=("rsqrt",)),
    samples=positive_samples, torch_ref=lambda torch, x: torch.rsqrt(x), reference=_forward)


def rsqrt(input):
    """``1 / sqrt(input)``, elementwise.

    Example::

        >>> ug.rsqrt(ug.tensor([4.0, 0.25]))
        tensor([0.5, 2. ])
    """
    return dispatch(rsqrt_op, (as_float_tensor(input),), NO_ATTRS)


register(rsqrt_op, public=rsqrt)
