"""bitwise_right_shift: elementwise arithmetic right shift (the sign is kept) of integer tensors (no gradient)."""
import numpy as np

from ..dispatch import dispatch
from ..operands import tensor_operands
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..spec import Spec, broadcast_shapes_of
from .binary import NO_ATTRS


def _forward(xp, a, b):
    return xp.right_shift(a, b)


bitwise_right_shift_op = OpDef(
    name="bitwise_right_shift", forward=_forward, diff_outputs=(),
    onnx=Onnx(emit=lambda e, a, b: e.bit_shift(a, b, "RIGHT"), opset=11),
    infer=lambda a, b: Spec(broadcast_shapes_of("bitwise_right_shift", a, b), a.dtype),
    variants=Variants(methods=("bitwise_right_shift",)),
    samples=lambda: [Sample((np.array([[1, 2, 3], [4, 5, 6]]), np.array([[0, 1, 2], [3, 1, 0]])), grad=False),
                     Sample((np.array([-8, 7, 64]), np.array([1, 2, 3])), grad=False)],
    torch_ref=lambda torch, a, b: torch.bitwise_right_shift(a, b), reference=_forward)


def bitwise_right_shift(input, other):
    """Elementwise ``input >> other`` on integer tensors, broadcasting (torch.bitwise_right_shift).

    Example::

        >>> ug.bitwise_right_shift(ug.tensor([8, -8]), ug.tensor([2, 1]))
        tensor([ 2, -4])
    """
    return dispatch(bitwise_right_shift_op, tensor_operands(input, other), NO_ATTRS)


register(bitwise_right_shift_op, public=bitwise_right_shift)
