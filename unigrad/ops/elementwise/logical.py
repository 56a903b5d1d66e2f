"""logical_and, logical_or, logical_not: elementwise boolean logic (no gradient)."""
from ...backend import dtypes as _dt
from ..dispatch import dispatch
from ..operands import tensor_operands
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec, broadcast_shapes_of
from .binary import NO_ATTRS


def _bool_samples():
    return [Sample((randn(3, 4) > 0, randn(3, 4, seed=1) > 0), grad=False)]


def _and_forward(xp, a, b):
    return xp.logical_and(a, b)


logical_and_op = OpDef(
    name="logical_and", forward=_and_forward, diff_outputs=(),
    onnx=Onnx("And"),
    infer=lambda a, b: Spec(broadcast_shapes_of("logical_and", a, b), _dt.bool_),
    variants=Variants(methods=("logical_and",), operators=("__and__",)),
    samples=_bool_samples, torch_ref=lambda torch, a, b: torch.logical_and(a, b), reference=_and_forward)


def logical_and(input, other):
    """Elementwise ``input and other`` (nonzero is true), with broadcasting: a bool tensor (also ``&``).

    Example::

        >>> ug.logical_and(ug.tensor([True, True, False]), ug.tensor([True, False, False]))
        tensor([ True, False, False])
    """
    return dispatch(logical_and_op, tensor_operands(input, other), NO_ATTRS)


register(logical_and_op, public=logical_and)


def _or_forward(xp, a, b):
    return xp.logical_or(a, b)


logical_or_op = OpDef(
    name="logical_or", forward=_or_forward, diff_outputs=(),
    onnx=Onnx("Or"),
    infer=lambda a, b: Spec(broadcast_shapes_of("logical_or", a, b), _dt.bool_),
    variants=Variants(methods=("logical_or",), operators=("__or__",)),
    samples=_bool_samples, torch_ref=lambda torch, a, b: torch.logical_or(a, b), reference=_or_forward)


def logical_or(input, other):
    """Elementwise ``input or other`` (nonzero is true), with broadcasting: a bool tensor (also ``|``).

    Example::

        >>> ug.logical_or(ug.tensor([True, False]), ug.tensor([False, False]))
        tensor([ True, False])
    """
    return dispatch(logical_or_op, tensor_operands(input, other), NO_ATTRS)


register(logical_or_op, public=logical_or)


def _not_forward(xp, x):
    return xp.logical_not(x)


logical_not_op = OpDef(
    name="logical_not", forward=_not_forward, diff_outputs=(), infer=lambda x: Spec(x.shape, _dt.bool_),
    onnx=Onnx("Not"),
    variants=Variants(methods=("logical_not",), operators=("__invert__",)),
    samples=lambda: [Sample((randn(3, 4) > 0,), grad=False)],
    torch_ref=lambda torch, x: torch.logical_not(x), reference=_not_forward)


def logical_not(input):
    """Elementwise ``not input`` (zero is false): a bool tensor (also ``~``).

    Example::

        >>> ug.logical_not(ug.tensor([True, False]))
        tensor([False,  True])
    """
    return dispatch(logical_not_op, (input,), NO_ATTRS)


register(logical_not_op, public=logical_not)
