"""maximum and minimum: the larger (smaller) of two tensors, elementwise with broadcasting.
Where the two are equal the gradient is split evenly, as in PyTorch."""
from .. import api as F
from ..dispatch import dispatch
from ..operands import tensor_operands
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import away_from
from ..spec import Spec, broadcast_shapes_of
from .binary import NO_ATTRS
from .facts import ufunc_facts


def _backward_picking(picks_first):
    def backward(ctx, g):
        a, b = ctx.inputs
        half = F.mul(g, 0.5)
        ga = F.where(F.eq(a, b), half, F.where(picks_first(a, b), g, F.zeros_like(g)))
        gb = F.sub(g, ga)
        return F.sum_to(ga, a.shape), F.sum_to(gb, b.shape)
    return backward


def _samples():
    return [Sample((away_from(3, 4), away_from(3, 4, seed=5))), Sample((away_from(2, 3, seed=2), away_from(3, seed=3)))]


def _maximum_forward(xp, a, b):
    return xp.maximum(a, b)


maximum_op = OpDef(
    name="maximum", forward=_maximum_forward, backward=_backward_picking(lambda a, b: F.gt(a, b)),
    onnx=Onnx("Max"),
    infer=lambda a, b: Spec(broadcast_shapes_of("maximum", a, b), a.dtype),
    compiled=ufunc_facts("maximum", "where({0} >= {1}, {0}, {1})", commutative=True, cuda="max({0}, {1})"),
    variants=Variants(methods=("maximum",)),
    samples=_samples, torch_ref=lambda torch, a, b: torch.maximum(a, b), reference=_maximum_forward)


def maximum(input, other):
    """The larger of input and other, elementwise with broadcasting.

    Example::

        >>> ug.maximum(ug.tensor([1.0, 5.0]), ug.tensor([3.0, 2.0]))
        tensor([3., 5.])
    """
    return dispatch(maximum_op, tensor_operands(input, other), NO_ATTRS)


register(maximum_op, public=maximum)


def _minimum_forward(xp, a, b):
    return xp.minimum(a, b)


minimum_op = OpDef(
    name="minimum", forward=_minimum_forward, backward=_backward_picking(lambda a, b: F.lt(a, b)),
    onnx=Onnx("Min"),
    infer=lambda a, b: Spec(broadcast_shapes_of("minimum", a, b), a.dtype),
    compiled=ufunc_facts("minimum", "where({0} <= {1}, {0}, {1})", commutative=True, cuda="min({0}, {1})"),
    variants=Variants(methods=("minimum",)),
    samples=_samples, torch_ref=lambda torch, a, b: torch.minimum(a, b), reference=_minimum_forward)


def minimum(input, other):
    """The smaller of input and other, elementwise with broadcasting.

    Example::

        >>> ug.minimum(ug.tensor([1.0, 5.0]), ug.tensor([3.0, 2.0]))
        tensor([1., 2.])
    """
    return dispatch(minimum_op, tensor_operands(input, other), NO_ATTRS)


register(minimum_op, public=minimum)
