"""neg: -input, elementwise."""
from .. import api as F
from ..dispatch import dispatch
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from .binary import NO_ATTRS
from .facts import ufunc_facts
from .unary import same_infer


def _forward(xp, x):
    return -x


def _backward(ctx, g):
    return (F.neg(g),)


neg_op = OpDef(
    name="neg", forward=_forward, backward=_backward, infer=same_infer, saves_inputs=False,
    onnx=Onnx("Neg"),
    compiled=ufunc_facts("negative", "(-{0})"),
    variants=Variants(aliases=("negative",), methods=("neg", "negative"), operators=("__neg__",), inplace=("neg_",)),
    samples=lambda: [Sample((randn(3, 4),)), Sample((randn(()),))],
    torch_ref=lambda torch, x: -x, reference=_forward)


def neg(input):
    """``-input``, elementwise (also ``ug.negative``).

    Example::

        >>> ug.neg(ug.tensor([1.0, -2.0]))
        tensor([-1.,  2.])
    """
    return dispatch(neg_op, (input,), NO_ATTRS)


register(neg_op, public=neg)
