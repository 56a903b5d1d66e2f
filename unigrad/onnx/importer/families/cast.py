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


@rule("Cast", since=1)
def cast(ctx, x, *, to, saturate=1, round_mode="up"):
    if isinstance(to, str):  # opset 1 names the type
        to = getattr(__import__("onnx").TensorProto, to.upper())
    return cast_to(x, to_unigrad(to), saturate)


@rule("CastLike", since=15)
def cast_like(ctx, x, target, *, saturate=1, round_mode="up"):
    return cast_to(x, target.dtype, saturate)


@rule("Identity", since=1, sequence_inputs=True)
def identity(ctx, x):
    if isinstance(x, (list, np.ndarray)) or x is None:
        return x
    return F.clone(x)
