"""acosh: the inverse hyperbolic cosine, for inputs of at least 1, elementwise."""
from .. import api as F
from ..dispatch import dispatch
from ..operands import as_float_tensor
from ..registry import Compiled, Onnx, OpDef, Sample, Variants, register
from ..sampling import positive
from ..spec import elementwise_flops
from .binary import NO_ATTRS
from .unary import same_infer


def _forward(xp, x):
    return xp.arccosh(x)


def _backward(ctx, g):
    x = ctx.inputs[0]
    return (F.div(g, F.sqrt(F.sub(F.square(x), 1.0))),)


def _above_one():
    """Inputs in [1.5, 3), inside the domain and away from 1."""
    return [Sample((positive(3, 4, low=1.5, high=3.0),)), Sample((positive((), low=1.5, high=3.0),)),
            Sample((positive(4, 3, low=1.5, high=3.0).T,))]


acosh_op = OpDef(
    name="acosh", forward=_forward, backward=_backward, infer=same_infer, compiled=Compiled(flops=elementwise_flops),
    onnx=Onnx("Acosh", opset=9),
    variants=Variants(aliases=("arccosh",), methods=("acosh", "arccosh"), inplace=("acosh_", "arccosh_")),
    samples=_above_one, torch_ref=lambda torch, x: torch.acosh(x), reference=_forward)


def acosh(input):
    """The inverse hyperbolic cosine, for inputs of at least 1 of each element (torch.acosh).

    Example::

        >>> ug.acosh(ug.tensor([1.0, 2.0]))
        tensor([0.   , 1.317])
    """
    return dispatch(acosh_op, (as_float_tensor(input),), NO_ATTRS)


register(acosh_op, public=acosh)
