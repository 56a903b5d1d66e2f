"""tan: the tangent (radians), elementwise."""
from .. import api as F
from ..dispatch import dispatch
from ..operands import as_float_tensor
from ..registry import Compiled, Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import elementwise_flops
from .binary import NO_ATTRS
from .unary import same_infer


def _forward(xp, x):
    return xp.tan(x)


def _backward(ctx, g):
    x = ctx.inputs[0]
    return (F.div(g, F.square(F.cos(x))),)


tan_op = OpDef(
    name="tan", forward=_forward, backward=_backward, infer=same_infer, compiled=Compiled(flops=elementwise_flops),
    onnx=Onnx("Tan", opset=7),
    variants=Variants(methods=("tan",), inplace=("tan_",)),
    samples=lambda: [Sample((randn(3, 4) * 0.5,)), Sample((randn(()),)), Sample((randn(0, 2),)),
                     Sample((randn(4, 3).T * 0.5,))],
    torch_ref=lambda torch, x: torch.tan(x), reference=_forward)


def tan(input):
    """The tangent (radians) of each element (torch.tan).

    Example::

        >>> ug.tan(ug.tensor([0.0, 0.7853982]))
        tensor([0., 1.])
    """
    return dispatch(tan_op, (as_float_tensor(input),), NO_ATTRS)


register(tan_op, public=tan)
