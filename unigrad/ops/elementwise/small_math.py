"""Small elementwise formulas with torch's names, each a composite of registered ops: hypot,
lerp, logit, log2, log10, exp2, frac, xlogy, deg2rad, rad2deg, float_power, ldexp. (One file:
each is one line of math.)"""
import math

from .. import api as F
from ..operands import as_float_tensor
from ..registry import OpDef, Sample, Variants, register
from ..sampling import positive, randn


def hypot(input, other):
    """``sqrt(input ** 2 + other ** 2)``, elementwise, broadcasting (torch.hypot).

    Example::

        >>> ug.hypot(ug.tensor([3.0]), ug.tensor([4.0]))
        tensor([5.])
    """
    return F.sqrt(F.add(F.mul(input, input), F.mul(other, other)))


def lerp(input, end, weight):
    """``input + weight * (end - input)``, elementwise, weight a number or a tensor (torch.lerp).

    Example::

        >>> ug.lerp(ug.tensor([0.0, 10.0]), ug.tensor([10.0, 20.0]), 0.25)
        tensor([ 2.5, 12.5])
    """
    return F.add(input, F.mul(weight, F.sub(end, input)))


def logit(input, eps=None):
    """``log(p / (1 - p))``, p = input clamped to [eps, 1 - eps] when eps is given (torch.logit).

    Example::

        >>> ug.logit(ug.tensor([0.5, 0.75]))
        tensor([0.    , 1.0986])
    """
    p = as_float_tensor(input)
    if eps is not None:
        p = F.clamp(p, eps, 1.0 - eps)
    return F.log(F.div(p, F.rsub(p, 1.0)))


def log2(input):
    """The base-2 logarithm, elementwise (torch.log2).

    Example::

        >>> ug.log2(ug.tensor([1.0, 8.0]))
        tensor([0., 3.])
    """
    return F.div(F.log(as_float_tensor(input)), math.log(2.0))


def log10(input):
    """The base-10 logarithm, elementwise (torch.log10).

    Example::

        >>> ug.log10(ug.tensor([1.0, 100.0]))
        tensor([0., 2.])
    """
    return F.div(F.log(as_float_tensor(input)), math.log(10.0))


def exp2(input):
    """``2 ** input``, elementwise (torch.exp2).

    Example::

        >>> ug.exp2(ug.tensor([0.0, 3.0]))
        tensor([1., 8.])
    """
    return F.exp(F.mul(as_float_tensor(input), math.log(2.0)))


def frac(input):
    """The fractional part ``input - trunc(input)``, with input's sign (torch.frac).

    Example::

        >>> ug.frac(ug.tensor([1.5, -2.25]))
        tensor([ 0.5 , -0.25])
    """
    return F.sub(input, F.trunc(input))


def xlogy(input, other):
    """``input * log(other)``, 0 where input is 0 unless other is nan, elementwise (torch.xlogy).

    Example::

        >>> ug.xlogy(ug.tensor([0.0, 2.0]), ug.tensor([0.0, 1.0]))
        tensor([0., 0.])
    """
    x = as_float_tensor(input)
    y = as_float_tensor(other) if not isinstance(other, (int, float)) else F.full_like(x, other)
    zero = F.logical_and(F.eq(x, 0.0), F.logical_not(F.isnan(y)))
    out = F.mul(x, F.log(F.where(zero, F.ones_like(y), y)))
    return F.where(zero, F.zeros_like(out), out)


def deg2rad(input):
    """Angles in degrees to radians, elementwise (torch.deg2rad).

    Example::

        >>> ug.deg2rad(ug.tensor([180.0]))
        tensor([3.1416])
    """
    return F.mul(as_float_tensor(input), math.pi / 180.0)


def rad2deg(input):
    """Angles in radians to degrees, elementwise (torch.rad2deg).

    Example::

        >>> ug.rad2deg(ug.tensor([3.14159265 / 2]))
        tensor([90.])
    """
    return F.mul(as_float_tensor(input), 180.0 / math.pi)


def float_power(input, exponent):
    """``input ** exponent`` computed in float64, as torch.float_power (the result is float64).

    Example::

        >>> ug.float_power(ug.tensor([2, 3]), 2)
        tensor([4., 9.], dtype=unigrad.float64)
    """
    base = F.to_dtype(input, "float64") if hasattr(input, "dtype") else input
    power = F.to_dtype(exponent, "float64") if hasattr(exponent, "dtype") else float(exponent)
    if not hasattr(base, "dtype"):
        base = F.full_like(power, float(base))
    return F.pow(base, power)


def ldexp(input, other):
    """``input * 2 ** other``, elementwise (torch.ldexp).

    Example::

        >>> ug.ldexp(ug.tensor([1.5]), ug.tensor([3]))
        tensor([12.])
    """
    x = as_float_tensor(input)
    return F.mul(x, F.exp2(F.to_dtype(other, x.dtype) if hasattr(other, "dtype") else float(other)))


def _one(name, fn, samples, torch_ref, methods=True):
    register(OpDef(name=name, impl=fn, variants=Variants(methods=(name,) if methods else ()), samples=samples,
                   torch_ref=torch_ref))


_one("hypot", hypot, lambda: [Sample((randn(3, 4), randn(3, 4, seed=1))), Sample((randn(2, 3), randn(3, seed=2)))],
     lambda torch, a, b: torch.hypot(a, b))
_one("lerp", lerp, lambda: [Sample((randn(3, 4), randn(3, 4, seed=1), 0.3)),
                            Sample((randn(2, 3), randn(3, seed=1), positive(2, 3, seed=2)))],
     lambda torch, a, b, w: torch.lerp(a, b, w))
_one("logit", logit, lambda: [Sample((positive(3, 4, low=0.05, high=0.95),)),
                              Sample((positive(5, low=0.001, high=0.999),), {"eps": 0.01})],
     lambda torch, x, eps=None: torch.logit(x, eps))
_one("log2", log2, lambda: [Sample((positive(3, 4),))], lambda torch, x: torch.log2(x))
_one("log10", log10, lambda: [Sample((positive(3, 4),))], lambda torch, x: torch.log10(x))
_one("exp2", exp2, lambda: [Sample((randn(3, 4),))], lambda torch, x: torch.exp2(x))
_one("frac", frac, lambda: [Sample((randn(3, 4) * 3 + 0.01,))], lambda torch, x: torch.frac(x))
_one("xlogy", xlogy, lambda: [Sample((positive(3, 4), positive(3, 4, seed=1))),
                              Sample((randn(4).clip(0, None), positive(4, seed=3)), grad=False)],
     lambda torch, x, y: torch.xlogy(x, y))
_one("deg2rad", deg2rad, lambda: [Sample((randn(3, 4) * 90,))], lambda torch, x: torch.deg2rad(x))
_one("rad2deg", rad2deg, lambda: [Sample((randn(3, 4),))], lambda torch, x: torch.rad2deg(x))
_one("float_power", float_power, lambda: [Sample((positive(3, 4), randn(3, 4, seed=1))), Sample((positive(4), 3))],
     lambda torch, x, e: torch.float_power(x, e))
_one("ldexp", ldexp, lambda: [Sample((randn(3, 4), randn(3, 4, seed=1).round()), name="float exponent")],
     lambda torch, x, e: torch.ldexp(x, e))
