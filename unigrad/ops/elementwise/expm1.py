"""expm1: exp(input) - 1, accurate for small inputs, elementwise."""
import numpy as np

from .. import api as F
from ..dispatch import dispatch
from ..operands import as_float_tensor
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from .binary import NO_ATTRS
from .facts import ufunc_facts
from .unary import any_samples, same_infer


def _forward(xp, x):
    return xp.expm1(x)


def _backward(ctx, g):
    return (F.mul(g, F.add(ctx.output(), 1.0)),)  # d/dx (e^x - 1) = e^x = output + 1


expm1_op = OpDef(
    name="expm1", forward=_forward, array_fn=np.expm1, backward=_backward, infer=same_infer,
    saves_outputs=True, saves_inputs=False,
    compiled=ufunc_facts("expm1", "expm1({0})"),
    variants=Variants(methods=("expm1",), inplace=("expm1_",)),
    samples=lambda: any_samples() + [Sample((randn(3) * 1e-6,))],
    torch_ref=lambda torch, x: torch.expm1(x), reference=_forward)


def expm1(input):
    """``exp(input) - 1``, elementwise, without the cancellation of subtracting 1 from a value
    near 1 for small inputs.

    Example::

        >>> ug.expm1(ug.tensor([0.0, 1e-10, 1.0]))
        tensor([0.0000e+00, 1.0000e-10, 1.7183e+00])
    """
    return dispatch(expm1_op, (as_float_tensor(input),), NO_ATTRS)


register(expm1_op, public=expm1)
