"""floor_divide: input // other, elementwise with broadcasting (no gradient)."""
from ..dispatch import dispatch
from ..operands import tensor_operands
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import positive, randn
from ..spec import Spec, broadcast_shapes_of
from .binary import NO_ATTRS


def _forward(xp, a, b):
    return xp.floor_divide(a, b)


floor_divide_op = OpDef(
    name="floor_divide", forward=_forward, diff_outputs=(),
    onnx=Onnx(emit=lambda e, a, b: e.floor_divide(a, b)),
    infer=lambda a, b: Spec(broadcast_shapes_of("floor_divide", a, b), a.dtype),
    variants=Variants(methods=("floor_divide",), operators=("__floordiv__",), reflected=("__rfloordiv__",)),
    samples=lambda: [Sample((randn(3, 4) * 5, positive(3, 4, seed=1)), grad=False)],
    torch_ref=lambda torch, a, b: torch.floor_divide(a, b), reference=_forward)


def floor_divide(input, other):
    """``input // other``: the quotient rounded down, elementwise, broadcasting the shapes.

    Example::

        >>> ug.floor_divide(ug.tensor([7, -7]), 2)
        tensor([ 3, -4])
    """
    return dispatch(floor_divide_op, tensor_operands(input, other), NO_ATTRS)


register(floor_divide_op, public=floor_divide)
