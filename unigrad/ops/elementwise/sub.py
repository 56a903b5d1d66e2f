"""sub: input - alpha * other, elementwise with broadcasting."""
import operator

from ...core.tensor import Tensor
from .. import api as F
from ..dispatch import dispatch
from ..operands import tensor_operands
from ..registry import Onnx, OpDef, Variants, register
from .binary import NO_ATTRS, binary_infer, binary_samples, reduce_broadcast
from .facts import ufunc_facts
from .mul import mul


def _forward(xp, a, b):
    return a - b


def _backward(ctx, g):
    return reduce_broadcast(ctx, g, F.neg(g) if ctx.needs_input_grad(1) else None)


sub_op = OpDef(
    name="sub", forward=_forward, array_fn=operator.sub, backward=_backward, infer=binary_infer("sub"),
    onnx=Onnx("Sub"),
    saves_inputs=False,
    compiled=ufunc_facts("subtract", "({0} - {1})", neutral=((1, 0.0),)),
    variants=Variants(aliases=("subtract",), methods=("sub",), operators=("__sub__",), reflected=("__rsub__",),
                      inplace=("sub_", "__isub__")),
    samples=binary_samples(), torch_ref=lambda torch, a, b: a - b, reference=_forward)


def sub(input, other, alpha=1):
    """``input - alpha * other``, elementwise, broadcasting the two shapes (also ``ug.subtract``).

    Example::

        >>> ug.sub(ug.tensor([5.0, 7.0]), 2)
        tensor([3., 5.])
        >>> 1 - ug.tensor([0.25])
        tensor([0.75])
    """
    if alpha != 1:
        other = mul(other, alpha)
    elif isinstance(other, Tensor) and isinstance(input, Tensor) and input._dtype is other._dtype:
        return dispatch(sub_op, (input, other), NO_ATTRS)
    return dispatch(sub_op, tensor_operands(input, other), NO_ATTRS)


register(sub_op, public=sub)
