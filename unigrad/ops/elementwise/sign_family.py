"""sgn, signbit, copysign, heaviside and sinc: sign-like elementwise functions with torch's names,
composites."""
import math

from ...backend import dtypes as _dt
from .. import api as F
from ..operands import as_float_tensor, tensor_operands
from ..registry import OpDef, Sample, Variants, register
from ..sampling import away_from, randn


def sgn(input):
    """The sign of each element (-1, 0 or 1; torch.sgn, which is torch.sign for real tensors).

    Example::

        >>> ug.sgn(ug.tensor([-2.0, 0.0, 3.0]))
        tensor([-1.,  0.,  1.])
    """
    return F.sign(input)


def signbit(input):
    """Whether each element's sign bit is set (true for -0.0 too), as torch.signbit.

    Example::

        >>> ug.signbit(ug.tensor([-1.0, 0.0, -0.0, 2.0]))
        tensor([ True, False,  True, False])
    """
    if not input.dtype.is_floating_point:
        return F.lt(input, 0)
    return F.lt(F.copysign(F.ones_like(input), input), 0.0)


def copysign(input, other):
    """``|input|`` with the sign of other, elementwise (other's -0.0 counts as negative), as
    torch.copysign.

    Example::

        >>> ug.copysign(ug.tensor([1.0, -2.0]), ug.tensor([-0.0, 3.0]))
        tensor([-1.,  2.])
    """
    a, b = tensor_operands(as_float_tensor(input), other)
    b = as_float_tensor(b)
    negative = F.lt(F.atan2(b, F.full_like(b, -1.0)), 0.0)  # atan2(-0.0, -1) is -pi: the sign bit, not the value
    magnitude = F.abs(a)
    return F.where(negative, F.neg(magnitude), magnitude)


def heaviside(input, values):
    """0 where input < 0, 1 where input > 0, and `values` where it is 0 (torch.heaviside).

    Example::

        >>> ug.heaviside(ug.tensor([-1.0, 0.0, 2.0]), ug.tensor([0.5]))
        tensor([0. , 0.5, 1. ])
    """
    step = F.to_dtype(F.gt(input, 0), input.dtype)
    return F.where(F.eq(input, 0), F.to_dtype(values, input.dtype), step)


def sinc(input):
    """The normalised sinc, ``sin(pi x) / (pi x)``, 1 at 0 (torch.sinc).

    Example::

        >>> ug.sinc(ug.tensor([0.0, 0.5, -1.5]))
        tensor([ 1.    ,  0.6366, -0.2122])
    """
    x = as_float_tensor(input)
    zero = F.eq(x, 0.0)
    px = F.mul(F.where(zero, F.ones_like(x), x), math.pi)
    return F.where(zero, F.ones_like(x), F.div(F.sin(px), px))


register(OpDef(name="sgn", impl=sgn, variants=Variants(methods=("sgn",)),
               samples=lambda: [Sample((away_from(3, 4),))], torch_ref=lambda torch, x: torch.sgn(x)))
register(OpDef(name="signbit", impl=signbit, variants=Variants(methods=("signbit",)),
               samples=lambda: [Sample((randn(3, 4),), grad=False)], torch_ref=lambda torch, x: torch.signbit(x)))
register(OpDef(name="copysign", impl=copysign, variants=Variants(methods=("copysign",)),
               samples=lambda: [Sample((away_from(3, 4), randn(3, 4, seed=1))), Sample((away_from(2, 3), randn(3, seed=2)))],
               torch_ref=lambda torch, a, b: torch.copysign(a, b)))
register(OpDef(name="heaviside", impl=heaviside, variants=Variants(methods=("heaviside",)),
               samples=lambda: [Sample((randn(3, 4).round(), randn(4, seed=1)), grad=False)],
               torch_ref=lambda torch, x, v: torch.heaviside(x, v)))
register(OpDef(name="sinc", impl=sinc, variants=Variants(methods=("sinc",)),
               samples=lambda: [Sample((away_from(3, 4) * 2,))], torch_ref=lambda torch, x: torch.sinc(x)))
