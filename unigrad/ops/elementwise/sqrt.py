"""sqrt: the square root, elementwise."""
from .. import api as F
from ..dispatch import dispatch
from ..operands import as_float_tensor
from ..registry import Onnx, OpDef, Variants, register
from .binary import NO_ATTRS
from .facts import ufunc_facts
from .unary import positive_samples, same_infer


def _forward(xp, x):
    return xp.sqrt(x)


def _backward(ctx, g):
    return (F.div(F.mul(g, 0.5), ctx.output()),)


sqrt_op = OpDef(
    name="sqrt", forward=_forward, backward=_backward, infer=same_infer, saves_outputs=True, saves_inputs=False,
    onnx=Onnx("Sqrt"),
    compiled=ufunc_facts("sqrt", "sqrt({0})"),
    variants=Variants(methods=("sqrt",), inplace=("sqrt_",)),
    samples=positive_samples, torch_ref=lambda torch, x: torch.sqrt(x), reference=_forward)


def sqrt(input):
    """The square root of input, elementwise (nan below 0).

    Example::

        >>> ug.sqrt(ug.tensor([4.0, 2.0]))
        tensor([2.    , 1.4142])
    """
    return dispatch(sqrt_op, (as_float_tensor(input),), NO_ATTRS)


register(sqrt_op, public=sqrt)
