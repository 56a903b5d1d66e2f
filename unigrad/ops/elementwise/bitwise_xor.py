"""bitwise_xor: elementwise bitwise exclusive or of integer (or bool) tensors (no gradient)."""
import numpy as np

from ..dispatch import dispatch
from ..operands import tensor_operands
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec, broadcast_shapes_of
from .binary import NO_ATTRS


def _forward(xp, a, b):
    return xp.bitwise_xor(a, b)


bitwise_xor_op = OpDef(
    name="bitwise_xor", forward=_forward, diff_outputs=(),
    onnx=Onnx(emit=lambda e, a, b: e.node("Xor" if e.dtype(a).name == "bool" else "BitwiseXor", [a, b])),
    infer=lambda a, b: Spec(broadcast_shapes_of("bitwise_xor", a, b), a.dtype),
    variants=Variants(operators=("__xor__",), methods=("bitwise_xor",)),
    samples=lambda: [Sample((np.arange(12).reshape(3, 4), np.arange(12)[::-1].reshape(3, 4).copy()), grad=False),
                     Sample((np.array([[5], [-3]]), np.array([1, 6, -2])), grad=False),
                     Sample((randn(3, 4) > 0, randn(3, 4, seed=1) > 0), grad=False)],
    torch_ref=lambda torch, a, b: torch.bitwise_xor(a, b), reference=_forward)


def bitwise_xor(input, other):
    """Elementwise ``input ^ other`` on integer or bool tensors, broadcasting (torch.bitwise_xor).

    Example::

        >>> ug.bitwise_xor(ug.tensor([12, 10]), ug.tensor([10, 6]))
        tensor([ 6, 12])
    """
    return dispatch(bitwise_xor_op, tensor_operands(input, other), NO_ATTRS)


register(bitwise_xor_op, public=bitwise_xor)
