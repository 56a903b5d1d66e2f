"""bitwise_or: elementwise bitwise or of integer (or bool) tensors (no gradient)."""
import numpy as np

from ..dispatch import dispatch
from ..operands import tensor_operands
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec, broadcast_shapes_of
from .binary import NO_ATTRS


def _forward(xp, a, b):
    return xp.bitwise_or(a, b)


bitwise_or_op = OpDef(
    name="bitwise_or", forward=_forward, diff_outputs=(),
    onnx=Onnx(emit=lambda e, a, b: e.node("Or" if e.dtype(a).name == "bool" else "BitwiseOr", [a, b])),
    infer=lambda a, b: Spec(broadcast_shapes_of("bitwise_or", a, b), a.dtype),
    variants=Variants(methods=("bitwise_or",)),
    samples=lambda: [Sample((np.arange(12).reshape(3, 4), np.arange(12)[::-1].reshape(3, 4).copy()), grad=False),
                     Sample((np.array([[5], [-3]]), np.array([1, 6, -2])), grad=False),
                     Sample((randn(3, 4) > 0, randn(3, 4, seed=1) > 0), grad=False)],
    torch_ref=lambda torch, a, b: torch.bitwise_or(a, b), reference=_forward)


def bitwise_or(input, other):
    """Elementwise ``input | other`` on integer or bool tensors, broadcasting (torch.bitwise_or).

    Example::

        >>> ug.bitwise_or(ug.tensor([12, 10]), ug.tensor([10, 6]))
        tensor([14, 14])
    """
    return dispatch(bitwise_or_op, tensor_operands(input, other), NO_ATTRS)


register(bitwise_or_op, public=bitwise_or)
