"""Elementwise arithmetic and math: Add, Sub, Mul, Div, Pow, Mod, Abs, Neg, Sqrt, Exp, Log, the
trigonometric and hyperbolic functions, Erf, Sign, rounding, Sum/Mean/Max/Min, Clip, Where."""
import numpy as np

from ....ops import api as F
from ..rules import rule
from .common import fold, is_float, legacy_broadcast, scalar, to_like


def _binary(op_type, fn):
    @rule(op_type, since=1)
    def binary(ctx, a, b, *, broadcast=0, axis=None, consumed_inputs=None):
        return fn(ctx, a, legacy_broadcast(a, b, broadcast, axis))
    return binary


def _trunc_divide(a, b):
    """Integer division rounding towards zero (C's), as ONNX's Div on integers."""
    q = F.floor_divide(a, b)
    r = F.remainder(a, b)
    adjust = F.logical_and(F.ne(r, 0), F.ne(F.lt(a, 0), F.lt(b, 0)))
    return F.add(q, F.to_dtype(adjust, q.dtype))


_binary("Add", lambda ctx, a, b: F.add(a, b))
_binary("Sub", lambda ctx, a, b: F.sub(a, b))
_binary("Mul", lambda ctx, a, b: F.mul(a, b) if a.dtype.name != "bool" else F.logical_and(a, b))
_binary("Div", lambda ctx, a, b: F.div(a, b) if is_float(a) else _trunc_divide(a, b))


@rule("Pow", since=1)
def pow_(ctx, x, y, *, broadcast=0, axis=None):
    y = legacy_broadcast(x, y, broadcast, axis)
    if x.dtype is y.dtype:
        return F.pow(x, y)
    if is_float(x):
        return F.pow(x, F.to_dtype(y, x.dtype))
    return F.to_dtype(F.pow(F.to_dtype(x, "float64"), F.to_dtype(y, "float64")), x.dtype)


@rule("Mod", since=10)
def mod(ctx, a, b, *, fmod=0):
    if fmod:
        return F.fmod(a, b)
    return F.remainder(a, b)


def _unary(op_type, fn, since=1):
    @rule(op_type, since=since)
    def unary(ctx, x, *, consumed_inputs=None):
        return fn(x)
    return unary


for _op, _fn in [("Abs", lambda x: F.abs(x)), ("Neg", lambda x: F.neg(x)), ("Sqrt", lambda x: F.sqrt(x)),
                 ("Exp", lambda x: F.exp(x)), ("Log", lambda x: F.log(x)), ("Reciprocal", lambda x: F.reciprocal(x)),
                 ("Floor", lambda x: F.floor(x)), ("Ceil", lambda x: F.ceil(x)), ("Sin", lambda x: F.sin(x)),
                 ("Cos", lambda x: F.cos(x)), ("Tan", lambda x: F.tan(x)), ("Asin", lambda x: F.asin(x)),
                 ("Acos", lambda x: F.acos(x)), ("Atan", lambda x: F.atan(x)), ("Sinh", lambda x: F.sinh(x)),
                 ("Cosh", lambda x: F.cosh(x)), ("Asinh", lambda x: F.asinh(x)), ("Acosh", lambda x: F.acosh(x)),
                 ("Atanh", lambda x: F.atanh(x)), ("Erf", lambda x: F.erf(x)), ("Sign", lambda x: F.sign(x)),
                 ("Round", lambda x: F.round(x)), ("IsNaN", lambda x: F.isnan(x))]:
    _unary(_op, _fn)


@rule("IsInf", since=10)
def isinf(ctx, x, *, detect_negative=1, detect_positive=1):
    if detect_negative and detect_positive:
        return F.isinf(x)
    if detect_positive:
        return F.logical_and(F.isinf(x), F.gt(x, 0))
    if detect_negative:
        return F.logical_and(F.isinf(x), F.lt(x, 0))
    return F.zeros_like(x, dtype="bool")


def _variadic(op_type, fn):
    @rule(op_type, since=1)
    def variadic(ctx, *xs, consumed_inputs=None):
        return fold(fn, [x for x in xs if x is not None])
    return variadic


_variadic("Sum", lambda a, b: F.add(a, b))
_variadic("Max", lambda a, b: F.maximum(a, b))
_variadic("Min", lambda a, b: F.minimum(a, b))


@rule("Mean", since=1)
def mean(ctx, *xs, consumed_inputs=None):
    xs = [x for x in xs if x is not None]
    return F.div(fold(F.add, xs), scalar(ctx, len(xs), xs[0]))


@rule("Clip", since=1)
def clip_attrs(ctx, x, *, min=float(np.finfo(np.float32).min), max=float(np.finfo(np.float32).max),
               consumed_inputs=None):
    return F.clamp(x, min, max)


@rule("Clip", since=11, static=(1, 2))
def clip(ctx, x, low=None, high=None):
    if low is None and high is None:
        return F.clone(x)
    low = None if low is None else low.item()
    high = None if high is None else high.item()
    if low is not None and high is not None and low > high:
        return F.full_like(x, high)
    return F.clamp(x, low, high)


@rule("Where", since=9)
def where(ctx, condition, x, y):
    return F.where(condition, x, to_like(y, x))
