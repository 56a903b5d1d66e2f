"""div: input / other, elementwise with broadcasting (true division, or rounded)."""
from ...backend.dtypes import get_default_dtype
from ...errors import InvalidArgumentError
from .. import api as F
from ..dispatch import dispatch
from ..operands import tensor_operands
from ..registry import Onnx, OpDef, Variants, register
from ..sampling import positive
from .binary import NO_ATTRS, binary_infer, binary_samples, reduce_broadcast
from .facts import ufunc_facts


def _forward(xp, a, b):
    if a.dtype.kind in "biu":  # true division of integers gives the default float, as in PyTorch
        return (a / b).astype(get_default_dtype().np)
    return a / b


def _backward(ctx, g):
    a, b = ctx.inputs
    ga = F.div(g, b) if ctx.needs_input_grad(0) else None
    gb = F.neg(F.div(F.mul(g, a), F.mul(b, b))) if ctx.needs_input_grad(1) else None
    return reduce_broadcast(ctx, ga, gb)


div_op = OpDef(
    name="div", forward=_forward, backward=_backward, infer=binary_infer("div"),
    onnx=Onnx(emit=lambda e, a, b: e.true_divide(a, b)),
    compiled=ufunc_facts("true_divide", "({0} / {1})", in_place=False, fresh=True, neutral=((1, 1.0),)),
    variants=Variants(aliases=("divide", "true_divide"), methods=("div", "divide", "true_divide"),
                      operators=("__truediv__",), reflected=("__rtruediv__",), inplace=("div_", "__itruediv__")),
    samples=binary_samples(second=positive), torch_ref=lambda torch, a, b: a / b, reference=_forward)


def div(input, other, rounding_mode=None):
    """``input / other``, elementwise, broadcasting the two shapes (also ``ug.divide``).

    Integers divide to the default float, as in PyTorch. rounding_mode="floor" rounds the
    quotient down (``//``), "trunc" towards zero.

    Example::

        >>> ug.div(ug.tensor([1, 7]), 2)
        tensor([0.5, 3.5])
        >>> ug.div(ug.tensor([-7.0, 7.0]), 2, rounding_mode="trunc")
        tensor([-3.,  3.])
    """
    a, b = tensor_operands(input, other)
    if rounding_mode is None:
        return dispatch(div_op, (a, b), NO_ATTRS)
    if rounding_mode == "floor":
        return F.floor_divide(a, b)
    if rounding_mode == "trunc":
        return F.trunc(dispatch(div_op, (a, b), NO_ATTRS))
    raise InvalidArgumentError(f"div: rounding_mode must be None, 'floor' or 'trunc', got {rounding_mode!r}")


register(div_op, public=div)
