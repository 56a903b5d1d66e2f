"""remainder: input % other with the sign of other (Python's %), elementwise (no gradient)."""
from ..dispatch import dispatch
from ..operands import tensor_operands
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import positive, randn
from ..spec import Spec, broadcast_shapes_of
from .binary import NO_ATTRS


def _forward(xp, a, b):
    return xp.remainder(a, b)


remainder_op = OpDef(
    name="remainder", forward=_forward, diff_outputs=(),
    onnx=Onnx(emit=lambda e, a, b: e.remainder(a, b)),
    infer=lambda a, b: Spec(broadcast_shapes_of("remainder", a, b), a.dtype),
    variants=Variants(methods=("remainder",), operators=("__mod__",)),
    samples=lambda: [Sample((randn(3, 4) * 5, positive(3, 4, seed=1)), grad=False)],
    torch_ref=lambda torch, a, b: torch.remainder(a, b), reference=_forward)


def remainder(input, other):
    """``input % other``, the remainder with the sign of other (as Python's %), elementwise.

    Example::

        >>> ug.remainder(ug.tensor([7, -7]), 3)
        tensor([1, 2])
    """
    return dispatch(remainder_op, tensor_operands(input, other), NO_ATTRS)


register(remainder_op, public=remainder)
