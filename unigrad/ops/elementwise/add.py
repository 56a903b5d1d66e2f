"""add: input + alpha * other, elementwise with broadcasting."""
import operator

from ...core.tensor import Tensor
from ..dispatch import dispatch
from ..operands import tensor_operands
from ..registry import Onnx, OpDef, Variants, register
from .binary import NO_ATTRS, binary_infer, binary_samples, reduce_broadcast
from .facts import ufunc_facts
from .mul import mul


def _forward(xp, a, b):
    return a + b


def _backward(ctx, g):
    a, b = ctx.inputs
    shape = g._data.shape
    if a._data.shape == shape and b._data.shape == shape:  # no broadcasting: both get g as it is
        return g, g
    return reduce_broadcast(ctx, g, g)


add_op = OpDef(
    name="add", forward=_forward, array_fn=operator.add, backward=_backward, infer=binary_infer("add"),
    onnx=Onnx("Add"),
    saves_inputs=False,
    compiled=ufunc_facts("add", "({0} + {1})", commutative=True, neutral=((0, 0.0), (1, 0.0))),
    variants=Variants(methods=("add",), operators=("__add__",), reflected=("__radd__",), inplace=("add_", "__iadd__")),
    samples=binary_samples(), torch_ref=lambda torch, a, b: a + b, reference=_forward)


def add(input, other, alpha=1):
    """``input + alpha * other``, elementwise, broadcasting the two shapes.

    Args:
        input, other: Tensors or numbers (one at least a Tensor). The result's dtype follows
            PyTorch's promotion: a Python number does not widen a tensor's dtype.
        alpha: a number other is multiplied by first.

    Example::

        >>> ug.add(ug.tensor([1.0, 2.0]), ug.tensor([[10.0], [20.0]]))
        tensor([[11., 12.],
                [21., 22.]])
        >>> ug.tensor([1, 2]) + 0.5
        tensor([1.5, 2.5])
    """
    if alpha != 1:
        other = mul(other, alpha)
    elif isinstance(other, Tensor) and isinstance(input, Tensor) and input._dtype is other._dtype:
        return dispatch(add_op, (input, other), NO_ATTRS)
    return dispatch(add_op, tensor_operands(input, other), NO_ATTRS)


register(add_op, public=add)
