"""Comparisons, boolean logic and bit operations: Equal, Less, Greater (OrEqual), And, Or, Xor,
Not, BitShift, BitwiseAnd/Or/Xor/Not."""
from ....ops import api as F
from ..rules import rule
from .common import legacy_broadcast


def _compare(op_type, fn, since=1):
    @rule(op_type, since=since)
    def compare(ctx, a, b, *, broadcast=0, axis=None):
        return fn(a, legacy_broadcast(a, b, broadcast, axis))
    return compare


_compare("Equal", lambda a, b: F.eq(a, b))
_compare("Less", lambda a, b: F.lt(a, b))
_compare("Greater", lambda a, b: F.gt(a, b))
_compare("LessOrEqual", lambda a, b: F.le(a, b), since=12)
_compare("GreaterOrEqual", lambda a, b: F.ge(a, b), since=12)
_compare("And", lambda a, b: F.logical_and(a, b))
_compare("Or", lambda a, b: F.logical_or(a, b))
_compare("Xor", lambda a, b: F.logical_xor(a, b))
_compare("BitwiseAnd", lambda a, b: F.bitwise_and(a, b), since=18)
_compare("BitwiseOr", lambda a, b: F.bitwise_or(a, b), since=18)
_compare("BitwiseXor", lambda a, b: F.bitwise_xor(a, b), since=18)


@rule("Not", since=1)
def not_(ctx, x):
    return F.logical_not(x)


@rule("BitwiseNot", since=18)
def bitwise_not(ctx, x):
    return F.bitwise_not(x)


@rule("BitShift", since=11)
def bit_shift(ctx, x, y, *, direction):
    if direction == "LEFT":
        return F.bitwise_left_shift(x, y)
    if direction == "RIGHT":
        return F.bitwise_right_shift(x, y)
    raise ctx.attr_error(f"direction must be LEFT or RIGHT, got {direction!r}")
