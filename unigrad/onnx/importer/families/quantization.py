"""Quantisation: QuantizeLinear, DequantizeLinear (per tensor, per axis and blocked, integer and
float8/float4 types), QLinearMatMul, MatMulInteger, ConvInteger, QLinearConv. Integer products
run as float64 products of the zero-point-shifted values, exact for these sizes."""
import ml_dtypes
import numpy as np

from ....ops import api as F
from ...dtypes import to_unigrad
from ..rules import rule
from .common import axis_of
from .cast import cast_to

_FLOAT8 = {"float8_e4m3fn", "float8_e4m3fnuz", "float8_e5m2", "float8_e5m2fnuz"}


def _broadcastable(ctx, value, shape, axis, block_size):
    """A scale or zero point shaped to broadcast against the data (per axis or per block)."""
    if value.ndim == 0:
        return value
    if value.numel() == 1:
        return F.reshape(value, ())
    a = axis_of(axis, len(shape))
    if not block_size:
        dims = [1] * len(shape)
        dims[a] = value.numel()
        return F.reshape(value, tuple(dims))
    repeated = F.index_select(value, a, ctx.const(np.arange(shape[a], dtype=np.int64) // block_size))
    return repeated


@rule("QuantizeLinear", since=10)
def quantize_linear(ctx, x, scale, zero_point=None, *, axis=1, saturate=1, block_size=0, output_dtype=0,
                    precision=0):
    target = zero_point.dtype if zero_point is not None else to_unigrad(output_dtype) if output_dtype else \
        to_unigrad(2)
    scale = _broadcastable(ctx, scale, x.shape, axis, block_size)
    if precision:
        wide = to_unigrad(precision)
        q = F.div(F.to_dtype(x, wide), F.to_dtype(scale, wide))
    else:
        q = F.div(x, scale if scale.dtype is x.dtype else F.to_dtype(scale, x.dtype))
    if target.name in _FLOAT8:
        return cast_to(q, target, saturate)
    if target.is_floating_point:  # float4 (and float6): the zero point added, then rounded by the cast
        if zero_point is not None:
            q = F.add(q, F.to_dtype(_broadcastable(ctx, zero_point, x.shape, axis, block_size), q.dtype))
        return F.to_dtype(q, target)
    info = ml_dtypes.iinfo(target.np)
    rounded = F.to_dtype(F.round(q), "int32") if q.dtype.name != "float64" else F.to_dtype(F.round(q), "int64")
    if zero_point is not None:
        zp = _broadcastable(ctx, zero_point, x.shape, axis, block_size)
        rounded = F.add(rounded, F.to_dtype(zp, rounded.dtype))
    return F.to_dtype(F.clamp(rounded, int(info.min), int(info.max)), target)


@rule("DequantizeLinear", since=10)
def dequantize_linear(ctx, x, scale, zero_point=None, *, axis=1, block_size=0, output_dtype=0):
    values = F.to_dtype(x, "float32")
    if zero_point is not None and x.dtype.name not in _FLOAT8 and x.dtype.name != "float4_e2m1fn":
        values = F.sub(values, F.to_dtype(_broadcastable(ctx, zero_point, x.shape, axis, block_size), "float32"))
    s = _broadcastable(ctx, scale, x.shape, axis, block_size)
    out = F.mul(values, F.to_dtype(s, "float32") if s.dtype.name in ("float16", "bfloat16") else s)
    result = to_unigrad(output_dtype) if output_dtype else scale.dtype
    return out if out.dtype is result else F.to_dtype(out, result)


def _shifted(x, zero_point):
    wide = F.to_dtype(x, "float64")
    if zero_point is None:
        return wide
    return F.sub(wide, F.to_dtype(zero_point, "float64"))


def _per_row(zero_point, rank_of_a):
    """A zero point per row of A (M,) broadcasts over A's columns."""
    if zero_point is not None and zero_point.ndim == 1 and zero_point.numel() > 1:
        return F.reshape(zero_point, (zero_point.shape[0], 1))
    return zero_point


@rule("MatMulInteger", since=10)
def matmul_integer(ctx, a, b, a_zero_point=None, b_zero_point=None):
    product = F.matmul(_shifted(a, _per_row(a_zero_point, a.ndim)), _shifted(b, b_zero_point))
    return F.to_dtype(product, "int32")


def _requantize(values, y_scale, y_zero_point, like):
    dtype = y_zero_point.dtype if y_zero_point is not None else like.dtype
    info = np.iinfo(dtype.np)
    scaled = F.div(values, F.to_dtype(y_scale, "float64"))
    if y_zero_point is not None:
        scaled = F.add(scaled, F.to_dtype(y_zero_point, "float64"))
    return F.to_dtype(F.clamp(F.round(scaled), float(info.min), float(info.max)), dtype)


@rule("QLinearMatMul", since=10)
def qlinear_matmul(ctx, a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point):
    product = F.matmul(_shifted(a, _per_row(a_zero_point, a.ndim)), _shifted(b, b_zero_point))
    scale = F.mul(F.to_dtype(a_scale, "float64"), F.to_dtype(b_scale, "float64"))
    return _requantize(F.mul(product, scale), y_scale, y_zero_point, a)


def _conv_float(ctx, x, w, attrs):
    from .nn import conv
    return conv(ctx, x, w, None, **attrs)


@rule("ConvInteger", since=10)
def conv_integer(ctx, x, w, x_zero_point=None, w_zero_point=None, **attrs):
    wz = w_zero_point
    if wz is not None and wz.ndim == 1 and wz.numel() > 1:
        wz = F.reshape(wz, (wz.shape[0],) + (1,) * (w.ndim - 1))
    return F.to_dtype(_conv_float(ctx, _shifted(x, x_zero_point), _shifted(w, wz), attrs), "int32")


@rule("QLinearConv", since=10)
def qlinear_conv(ctx, x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, b=None,
                 **attrs):
    wz = w_zero_point
    if wz is not None and wz.ndim == 1 and wz.numel() > 1:
        wz = F.reshape(wz, (wz.shape[0],) + (1,) * (w.ndim - 1))
    out = _conv_float(ctx, _shifted(x, x_zero_point), _shifted(w, wz), attrs)
    if b is not None:
        out = F.add(out, F.reshape(F.to_dtype(b, "float64"), (b.shape[0],) + (1,) * (out.ndim - 2)))
    ws = F.to_dtype(w_scale, "float64")
    if ws.ndim == 1 and ws.numel() > 1:
        ws = F.reshape(ws, (ws.shape[0],) + (1,) * (out.ndim - 2))
    scale = F.mul(F.to_dtype(x_scale, "float64"), ws)
    return _requantize(F.mul(out, scale), y_scale, y_zero_point, x)
