"""abs: |input|, elementwise (the gradient at 0 is 0, as in PyTorch)."""
from .. import api as F
from ..dispatch import dispatch
from ..registry import Compiled, Onnx, OpDef, Variants, register
from ..spec import elementwise_flops
from .binary import NO_ATTRS
from .unary import kink_samples, same_infer


def _forward(xp, x):
    return xp.abs(x)


def _backward(ctx, g):
    return (F.mul(g, F.sign(ctx.inputs[0])),)


abs_op = OpDef(
    name="abs", forward=_forward, backward=_backward, infer=same_infer,
    onnx=Onnx("Abs"),
    compiled=Compiled(fusion=("abs({0})", "fabs({0})"), flops=elementwise_flops),
    variants=Variants(aliases=("absolute",), methods=("abs", "absolute"), operators=("__abs__",),
                      inplace=("abs_", "absolute_")),
    samples=kink_samples, torch_ref=lambda torch, x: torch.abs(x), reference=_forward)


def abs(input):
    """The absolute value of input, elementwise, in input's dtype.

    Example::

        >>> ug.abs(ug.tensor([-1.5, 2.0]))
        tensor([1.5, 2. ])
    """
    return dispatch(abs_op, (input,), NO_ATTRS)


register(abs_op, public=abs)
