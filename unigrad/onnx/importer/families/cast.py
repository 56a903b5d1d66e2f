"""Type conversions: Cast, CastLike, Identity (of tensors, sequences and optionals)."""
import ml_dtypes
import numpy as np

from ....ops import api as F
from ..rules import rule
from ...dtypes import to_unigrad

_SATURATING = {"float8_e4m3fn", "float8_e4m3fnuz", "float8_e5m2", "float8_e5m2fnuz"}


def cast_to(x, dtype, saturate=1):
    """x as `dtype`; to a float8 type with saturate, out-of-range values become its largest."""
    if x.dtype is dtype:
        return F.clone(x)
    if saturate and dtype.name in _SATURATING and x.dtype.is_floating_point:
        info = ml_dtypes.finfo(dtype.np)
        wide = F.to_dtype(x, "float32") if x.dtype.itemsize < 4 or x.dtype.name == "bfloat16" else x
        x = F.clamp(wide, float(info.min), float(info.max))
    return F.to_dtype(x, dtype)


def to_e8m0(ctx, x, saturate, round_mode):
    """float8_e8m0fnu keeps only an exponent: take float32's exponent field and round by the
    mantissa as round_mode says (up: any fraction; nearest: the guard bit, ties away from the
    smallest; down: drop it); NaN and Inf stay the all-ones pattern. Computed on the host (bits)."""
    bits = np.asarray(ctx.value(x), np.float32).view(np.uint32)
    exponent = ((bits >> 23) & 0xFF).astype(np.int32)
    fraction = bits & 0x7FFFFF
    if round_mode == "up":
        bump = fraction != 0
    elif round_mode == "nearest":
        bump = ((fraction & 0x400000) != 0) & (((fraction & 0x3FFFFF) != 0) | (exponent > 0))
    elif round_mode == "down":
        bump = np.zeros(bits.shape, bool)
    else:
        raise ctx.attr_error(f"Cast: round_mode must be up, nearest or down, got {round_mode!r}")
    special = exponent == 0xFF
    if saturate:
        bump &= exponent != 0xFE
    out = np.where(special, 0xFF, np.minimum(exponent + bump, 0xFF)).astype(np.uint8)
    return out.view(ml_dtypes.float8_e8m0fnu)


@rule("Cast", since=1)
def cast(ctx, x, *, to, saturate=1, round_mode="up"):
    if isinstance(to, str):  # opset 1 names the type
        to = getattr(__import__("onnx").TensorProto, to.upper())
    dtype = to_unigrad(to)
    if dtype.name == "float8_e8m0fnu" and x.dtype.name != dtype.name:
        return to_e8m0(ctx, x, saturate, round_mode)
    return cast_to(x, dtype, saturate)


@rule("CastLike", since=15)
def cast_like(ctx, x, target, *, saturate=1, round_mode="up"):
    if target.dtype.name == "float8_e8m0fnu" and x.dtype.name != target.dtype.name:
        return to_e8m0(ctx, x, saturate, round_mode)
    return cast_to(x, target.dtype, saturate)


@rule("Identity", since=1, sequence_inputs=True)
def identity(ctx, x):
    if isinstance(x, (list, np.ndarray)) or x is None:
        return x
    return F.clone(x)
