"""mul: input * other, elementwise with broadcasting."""
import operator

from ...backend.device import cpu
from ...core.tensor import Tensor
from ..dispatch import dispatch
from ..operands import const, cpu_float_const, tensor_operands
from ..registry import Onnx, OpDef, Variants, register
from .binary import NO_ATTRS, binary_infer, binary_samples, reduce_broadcast
from .facts import ufunc_facts


def _forward(xp, a, b):
    return a * b


def _backward(ctx, g):
    a, b = ctx.inputs
    edges = ctx.edges or ctx.edges_list()
    ga = dispatch(mul_op, (g, b), NO_ATTRS) if edges[0] is not None else None
    gb = dispatch(mul_op, (g, a), NO_ATTRS) if edges[1] is not None else None
    shape = g._data.shape
    if (ga is None or a._data.shape == shape) and (gb is None or b._data.shape == shape):
        return ga, gb
    return reduce_broadcast(ctx, ga, gb)


mul_op = OpDef(
    name="mul", forward=_forward, array_fn=operator.mul, backward=_backward, infer=binary_infer("mul"),
    onnx=Onnx("Mul"),
    compiled=ufunc_facts("multiply", "({0} * {1})", commutative=True, neutral=((0, 1.0), (1, 1.0))),
    variants=Variants(aliases=("multiply",), methods=("mul",), operators=("__mul__",), reflected=("__rmul__",),
                      inplace=("mul_", "__imul__")),
    samples=binary_samples(), torch_ref=lambda torch, a, b: a * b, reference=_forward)


def mul(input, other):
    """``input * other``, elementwise, broadcasting the two shapes (also ``ug.multiply``).

    Example::

        >>> ug.mul(ug.tensor([[1.0], [2.0]]), ug.tensor([3.0, 4.0]))
        tensor([[3., 4.],
                [6., 8.]])
    """
    if isinstance(input, Tensor):
        if isinstance(other, Tensor):
            if input._dtype is other._dtype:
                return dispatch(mul_op, (input, other), NO_ATTRS)
        elif other.__class__ is float and input._dtype.category == 2:  # x * 0.5
            c = cpu_float_const(other, input._dtype) if input._device is cpu else \
                const(other, input._dtype, input._device)
            return dispatch(mul_op, (input, c), NO_ATTRS)
    return dispatch(mul_op, tensor_operands(input, other), NO_ATTRS)


register(mul_op, public=mul)
