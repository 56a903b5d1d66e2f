"""bitwise_left_shift: elementwise left shift of integer tensors (no gradient)."""
import numpy as np

from ..dispatch import dispatch
from ..operands import tensor_operands
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..spec import Spec, broadcast_shapes_of
from .binary import NO_ATTRS


def _forward(xp, a, b):
    return xp.left_shift(a, b)


bitwise_left_shift_op = OpDef(
    name="bitwise_left_shift", forward=_forward, diff_outputs=(),
    onnx=Onnx(emit=lambda e, a, b: e.bit_shift(a, b, "LEFT"), opset=11),
    infer=lambda a, b: Spec(broadcast_shapes_of("bitwise_left_shift", a, b), a.dtype),
    variants=Variants(methods=("bitwise_left_shift",)),
    samples=lambda: [Sample((np.array([[1, 2, 3], [4, 5, 6]]), np.array([[0, 1, 2], [3, 1, 0]])), grad=False),
                     Sample((np.array([-8, 7, 64]), np.array([1, 2, 3])), grad=False)],
    torch_ref=lambda torch, a, b: torch.bitwise_left_shift(a, b), reference=_forward)


def bitwise_left_shift(input, other):
    """Elementwise ``input << other`` on integer tensors, broadcasting (torch.bitwise_left_shift).

    Example::

        >>> ug.bitwise_left_shift(ug.tensor([1, 3]), ug.tensor([2, 1]))
        tensor([4, 6])
    """
    return dispatch(bitwise_left_shift_op, tensor_operands(input, other), NO_ATTRS)


register(bitwise_left_shift_op, public=bitwise_left_shift)
