"""log1p: log(1 + input), accurate for small inputs, elementwise."""
import numpy as np

from .. import api as F
from ..dispatch import dispatch
from ..operands import as_float_tensor
from ..registry import OpDef, Sample, Variants, register
from ..sampling import positive, randn
from .binary import NO_ATTRS
from .facts import ufunc_facts
from .unary import same_infer


def _forward(xp, x):
    return xp.log1p(x)


def _backward(ctx, g):
    return (F.div(g, F.add(ctx.inputs[0], 1.0)),)


log1p_op = OpDef(
    name="log1p", forward=_forward, array_fn=np.log1p, backward=_backward, infer=same_infer,
    compiled=ufunc_facts("log1p", "log1p({0})", in_place=False),
    variants=Variants(methods=("log1p",), inplace=("log1p_",)),
    samples=lambda: [Sample((positive(3, 4, low=-0.5, high=2.0),)), Sample((np.asarray(randn(()) * 1e-3),)),
                     Sample((positive(4, 3, low=-0.9, high=1.0).T,)), Sample((randn(0, 2),))],
    torch_ref=lambda torch, x: torch.log1p(x), reference=_forward)


def log1p(input):
    """``log(1 + input)``, elementwise, without the rounding error of forming 1 + input for
    small inputs (-inf at -1, nan below).

    Example::

        >>> ug.log1p(ug.tensor([0.0, 1e-10, 1.0]))
        tensor([0.0000e+00, 1.0000e-10, 6.9315e-01])
    """
    return dispatch(log1p_op, (as_float_tensor(input),), NO_ATTRS)


register(log1p_op, public=log1p)
