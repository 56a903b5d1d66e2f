"""logical_xor: elementwise exclusive or (nonzero is true; no gradient)."""
from ...backend import dtypes as _dt
from ..dispatch import dispatch
from ..operands import tensor_operands
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec, broadcast_shapes_of
from .binary import NO_ATTRS


def _forward(xp, a, b):
    return xp.logical_xor(a, b)


logical_xor_op = OpDef(
    name="logical_xor", forward=_forward, diff_outputs=(), onnx=Onnx("Xor"),
    infer=lambda a, b: Spec(broadcast_shapes_of("logical_xor", a, b), _dt.bool_),
    variants=Variants(methods=("logical_xor",)),
    samples=lambda: [Sample((randn(3, 4) > 0, randn(3, 4, seed=1) > 0), grad=False),
                     Sample((randn(2, 1, 3) > 0, randn(4, 1, seed=2) > 0), grad=False)],
    torch_ref=lambda torch, a, b: torch.logical_xor(a, b), reference=_forward)


def logical_xor(input, other):
    """Elementwise ``input xor other`` (nonzero is true), with broadcasting: a bool tensor.

    Example::

        >>> ug.logical_xor(ug.tensor([True, True, False]), ug.tensor([True, False, False]))
        tensor([False,  True, False])
    """
    return dispatch(logical_xor_op, tensor_operands(input, other), NO_ATTRS)


register(logical_xor_op, public=logical_xor)
