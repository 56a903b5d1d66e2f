"""Activations: Relu, LeakyRelu, PRelu, Elu, Selu, Celu, ThresholdedRelu, HardSigmoid,
HardSwish, Sigmoid, Tanh, Softsign, Softplus, Gelu, Mish, Swish, Shrink, Softmax, LogSoftmax,
Dropout."""
import numpy as np

from ....ops import api as F
from ..rules import rule
from .common import axis_of, scalar
from .elementwise import _unary
from .reduction import flat_at


_unary("Relu", lambda x: F.relu(x) if x.dtype.is_floating_point else F.maximum(x, F.zeros_like(x)))
def _sigmoid(x):
    """16-bit floats in float32, one rounding at the end (as NumPy computes float16 ufuncs)."""
    if x.dtype.is_floating_point and x.dtype.itemsize < 4:
        return F.to_dtype(F.sigmoid(F.to_dtype(x, "float32")), x.dtype)
    return F.sigmoid(x)


_unary("Sigmoid", _sigmoid)
_unary("Tanh", lambda x: F.tanh(x))
_unary("Softsign", lambda x: F.div(x, F.add(F.abs(x), 1.0)))
_unary("Softplus", lambda x: F.softplus(x))
_unary("HardSwish", lambda x: F.hardswish(x), since=14)
_unary("Mish", lambda x: F.mul(x, F.tanh(F.softplus(x))), since=18)


@rule("LeakyRelu", since=1)
def leaky_relu(ctx, x, *, alpha=0.01, consumed_inputs=None):
    return F.leaky_relu(x, alpha)


@rule("PRelu", since=1)
def prelu(ctx, x, slope, *, consumed_inputs=None):
    if ctx.opset < 7 and slope.ndim == 1 and x.ndim > 2 and slope.shape[0] == x.shape[1]:
        slope = F.reshape(slope, (slope.shape[0],) + (1,) * (x.ndim - 2))  # per channel, as opset 6 broadcast it
    return F.where(F.lt(x, 0), F.mul(x, slope), x)


@rule("Elu", since=1)
def elu(ctx, x, *, alpha=1.0, consumed_inputs=None):
    return F.elu(x, alpha)


@rule("Selu", since=1)
def selu(ctx, x, *, alpha=1.67326319217681884765625, gamma=1.05070102214813232421875, consumed_inputs=None):
    negative = F.mul(F.sub(F.exp(x), 1.0), alpha)
    return F.mul(F.where(F.gt(x, 0), x, negative), gamma)


@rule("Celu", since=12)
def celu(ctx, x, *, alpha=1.0):
    negative = F.mul(F.sub(F.exp(F.div(x, alpha)), 1.0), alpha)
    return F.where(F.gt(x, 0), x, F.minimum(negative, F.zeros_like(x)))


@rule("ThresholdedRelu", since=10)
def thresholded_relu(ctx, x, *, alpha=1.0):
    return F.where(F.gt(x, alpha), x, F.zeros_like(x))


@rule("HardSigmoid", since=1)
def hard_sigmoid(ctx, x, *, alpha=0.2, beta=0.5, consumed_inputs=None):
    return F.clamp(F.add(F.mul(x, alpha), beta), 0.0, 1.0)


@rule("Gelu", since=20)
def gelu(ctx, x, *, approximate="none"):
    return F.gelu(x, approximate=approximate)


@rule("Swish", since=24)
def swish(ctx, x, *, alpha=1.0):
    if x.dtype.is_floating_point and x.dtype.itemsize < 4:  # (float32 inside, as _sigmoid)
        wide = F.to_dtype(x, "float32")
        return F.to_dtype(F.mul(wide, F.sigmoid(F.mul(wide, alpha))), x.dtype)
    return F.mul(x, F.sigmoid(F.mul(x, alpha)))


@rule("Shrink", since=9)
def shrink(ctx, x, *, bias=0.0, lambd=0.5):
    below = F.add(x, scalar(ctx, bias, x))
    above = F.sub(x, scalar(ctx, bias, x))
    return F.where(F.lt(x, -lambd), below, F.where(F.gt(x, lambd), above, F.zeros_like(x)))


def _softmax_family(op_type, fn):
    @rule(op_type, since=1)
    def flattened(ctx, x, *, axis=1):  # before opset 13: over the dims from axis on, flattened
        if x.ndim == 0:
            return fn(F.reshape(x, (1,)), 0).reshape(())
        return F.reshape(fn(flat_at(x, axis), 1), tuple(x.shape))

    @rule(op_type, since=13)
    def along(ctx, x, *, axis=-1):
        return fn(x, axis_of(axis, x.ndim)) if x.ndim else fn(F.reshape(x, (1,)), 0).reshape(())


_softmax_family("Softmax", lambda x, a: F.softmax(x, a))
_softmax_family("LogSoftmax", lambda x, a: F.log_softmax(x, a))


@rule("Dropout", since=1)
def dropout_attr(ctx, x, *, ratio=0.5, is_test=0, consumed_inputs=None, seed=None):
    training = ctx.training and not is_test and ctx.opset >= 1
    return _dropout(ctx, x, ratio, training)


@rule("Dropout", since=12, static=(1, 2), fold=False)
def dropout(ctx, x, ratio=None, training_mode=None, *, seed=None):
    ratio = 0.5 if ratio is None else float(np.asarray(ratio).reshape(()))
    training = bool(np.asarray(training_mode).reshape(())) if training_mode is not None else ctx.training
    return _dropout(ctx, x, ratio, training)


def _dropout(ctx, x, ratio, training):
    if not training or ratio == 0:
        return (F.clone(x), np.ones(tuple(x.shape), dtype=bool)) if ctx.n_outputs > 1 else F.clone(x)
    keep = F.bernoulli(F.full_like(x, 1.0 - ratio))
    out = F.div(F.mul(x, keep), scalar(ctx, 1.0 - ratio, x))
    return (out, F.to_dtype(keep, "bool")) if ctx.n_outputs > 1 else out
