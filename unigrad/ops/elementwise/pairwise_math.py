"""logaddexp, logaddexp2, fmax, fmin, isneginf, isposinf, isreal, gcd and lcm: torch's
remaining elementwise names, composites of registered ops."""
import math

import numpy as np

from ...backend import dtypes as _dt
from ...errors import InvalidTypeError
from .. import api as F
from ..operands import as_float_tensor, tensor_operands
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn


def logaddexp(input, other):
    """``log(exp(input) + exp(other))`` without overflow (torch.logaddexp).

    Example::

        >>> ug.logaddexp(ug.tensor([0.0, 1.0]), ug.tensor([0.0, 1.0]))
        tensor([0.6931, 1.6931])
        >>> ug.logaddexp(ug.tensor([1000.0]), ug.tensor([1000.0])).item() > 1000
        True
    """
    a, b = tensor_operands(as_float_tensor(input), other)
    hi = F.maximum(a, b)
    safe = F.where(F.isfinite(hi), hi, F.zeros_like(hi))
    return F.add(F.log(F.add(F.exp(F.sub(a, safe)), F.exp(F.sub(b, safe)))), safe)


def logaddexp2(input, other):
    """``log2(2 ** input + 2 ** other)`` without overflow (torch.logaddexp2).

    Example::

        >>> ug.logaddexp2(ug.tensor([1.0]), ug.tensor([1.0]))
        tensor([2.])
    """
    return F.div(logaddexp(F.mul(as_float_tensor(input), math.log(2.0)), F.mul(as_float_tensor(other), math.log(2.0))),
                 math.log(2.0))


def fmax(input, other):
    """The elementwise maximum that ignores nan (nan only where both are), torch.fmax.

    Example::

        >>> ug.fmax(ug.tensor([1.0, float("nan")]), ug.tensor([float("nan"), 2.0]))
        tensor([1., 2.])
    """
    a, b = tensor_operands(input, other)
    return F.where(F.isnan(a), b, F.where(F.isnan(b), a, F.maximum(a, b)))


def fmin(input, other):
    """The elementwise minimum that ignores nan (nan only where both are), torch.fmin.

    Example::

        >>> ug.fmin(ug.tensor([1.0, float("nan")]), ug.tensor([float("nan"), 2.0]))
        tensor([1., 2.])
    """
    a, b = tensor_operands(input, other)
    return F.where(F.isnan(a), b, F.where(F.isnan(b), a, F.minimum(a, b)))


def isposinf(input):
    """Whether each element is +inf (torch.isposinf).

    Example::

        >>> ug.isposinf(ug.tensor([float("inf"), -float("inf"), 1.0]))
        tensor([ True, False, False])
    """
    return F.logical_and(F.isinf(input), F.gt(input, 0)) if input.dtype.is_floating_point else F.zeros_like(input,
                                                                                                       dtype=_dt.bool_)


def isneginf(input):
    """Whether each element is -inf (torch.isneginf).

    Example::

        >>> ug.isneginf(ug.tensor([float("inf"), -float("inf"), 1.0]))
        tensor([False,  True, False])
    """
    return F.logical_and(F.isinf(input), F.lt(input, 0)) if input.dtype.is_floating_point else F.zeros_like(input,
                                                                                                       dtype=_dt.bool_)


def isreal(input):
    """Whether each element is real: always true, unigrad having no complex dtypes (torch.isreal).

    Example::

        >>> ug.isreal(ug.tensor([1.0, 2.0]))
        tensor([ True,  True])
    """
    return F.ones_like(input, dtype=_dt.bool_)


def _integers(a, b, name):
    a, b = tensor_operands(a, b)
    if a.dtype.is_floating_point or a.dtype is _dt.bool_:
        raise InvalidTypeError(f"{name}: expects integer tensors, got {a.dtype}")
    return a, b


def gcd(input, other):
    """The greatest common divisor, elementwise, non-negative (torch.gcd): Euclid's steps as ops.

    Example::

        >>> ug.gcd(ug.tensor([12, -18, 0]), ug.tensor([8, 12, 5]))
        tensor([4, 6, 5])
    """
    a, b = _integers(input, other, "gcd")
    a, b = F.abs(a), F.abs(b)
    shape = F.broadcast_tensors(a, b)
    a, b = shape
    while bool(F.any(F.ne(b, 0))):
        nonzero = F.ne(b, 0)
        safe = F.where(nonzero, b, F.ones_like(b))
        a, b = F.where(nonzero, b, a), F.where(nonzero, F.remainder(a, safe), b)
    return a


def lcm(input, other):
    """The least common multiple, elementwise, non-negative (0 if either is 0), torch.lcm.

    Example::

        >>> ug.lcm(ug.tensor([4, 6, 0]), ug.tensor([6, 4, 3]))
        tensor([12, 12,  0])
    """
    a, b = _integers(input, other, "lcm")
    g = gcd(a, b)
    safe = F.where(F.eq(g, 0), F.ones_like(g), g)
    return F.abs(F.mul(F.floor_divide(a, safe), b))


def _reg(name, fn, samples, methods=True):
    register(OpDef(name=name, impl=fn, variants=Variants(methods=(name,) if methods else ()), samples=samples,
                   torch_ref=lambda torch, *a, **kw: getattr(torch, name)(*a, **kw)))


def _ints(*shape, seed=0):
    return np.round(randn(*shape, seed=seed) * 20).astype(np.int64)


_reg("logaddexp", logaddexp, lambda: [Sample((randn(3, 4) * 10, randn(3, 4, seed=1) * 10)), Sample((randn(2, 3), randn(3, seed=1)))])
_reg("logaddexp2", logaddexp2, lambda: [Sample((randn(3, 4) * 10, randn(3, 4, seed=1) * 10))])
_reg("fmax", fmax, lambda: [Sample((randn(3, 4), randn(3, 4, seed=1))), Sample((np.array([1.0, np.nan, np.nan]),
                                                                              np.array([np.nan, 2.0, np.nan])), grad=False)])
_reg("fmin", fmin, lambda: [Sample((randn(3, 4), randn(3, 4, seed=1))), Sample((np.array([1.0, np.nan, np.nan]),
                                                                              np.array([np.nan, 2.0, np.nan])), grad=False)])
_reg("isposinf", isposinf, lambda: [Sample((np.array([np.inf, -np.inf, 1.0, np.nan]),), grad=False)])
_reg("isneginf", isneginf, lambda: [Sample((np.array([np.inf, -np.inf, 1.0, np.nan]),), grad=False)])
_reg("isreal", isreal, lambda: [Sample((randn(3),), grad=False)])
_reg("gcd", gcd, lambda: [Sample((_ints(3, 4), _ints(3, 4, seed=1)), grad=False)])
_reg("lcm", lcm, lambda: [Sample((_ints(3, 4), _ints(3, 4, seed=1)), grad=False)])
