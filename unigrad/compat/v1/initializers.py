"""TF1 initializers: callables (shape, dtype) -> initial value, for tf.get_variable and layers.

Variance scaling follows TF: n is fan_in, fan_out or their mean, where a kernel of shape
(..., in, out) has fan_in = in * receptive field and fan_out = out * receptive field; uniform
draws from [-sqrt(3 s / n), sqrt(3 s / n)], truncated normal has stddev sqrt(s / n) / 0.8796
(the stddev of a unit normal truncated at two standard deviations).
"""
import math

from ...backend import dtypes as _dt
from ...errors import InvalidArgumentError
from .factories import ones, random_normal, random_uniform, truncated_normal, zeros
from .ops import constant

_TRUNCATED_STDDEV = 0.87962566103423978


def _fans(shape):
    if not shape:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


def _initializer(make, default_dtype):
    """An initializer: called with (shape, dtype=None, partition_info=None) it gives the initial value."""
    def init(shape, dtype=None, partition_info=None):
        return make(tuple(shape), _dt.to_dtype(dtype if dtype is not None else default_dtype))
    return init


def zeros_initializer(dtype=_dt.float32):
    return _initializer(lambda shape, dt: zeros(shape, dtype=dt), dtype)


def ones_initializer(dtype=_dt.float32):
    return _initializer(lambda shape, dt: ones(shape, dtype=dt), dtype)


def constant_initializer(value=0, dtype=_dt.float32, verify_shape=False):
    import numpy as np

    def make(shape, dt):
        arr = np.asarray(value)
        if arr.size not in (1, int(np.prod(shape))):
            raise InvalidArgumentError(f"constant_initializer: {arr.size} values cannot fill shape {list(shape)}")
        arr = np.broadcast_to(arr, shape) if arr.size == 1 else arr.reshape(shape)
        return constant(arr, dtype=dt)
    return _initializer(make, dtype)


def random_uniform_initializer(minval=0, maxval=None, seed=None, dtype=_dt.float32):
    return _initializer(lambda shape, dt: random_uniform(shape, minval, maxval, dtype=dt, seed=seed), dtype)


def random_normal_initializer(mean=0.0, stddev=1.0, seed=None, dtype=_dt.float32):
    return _initializer(lambda shape, dt: random_normal(shape, mean, stddev, dtype=dt, seed=seed), dtype)


def truncated_normal_initializer(mean=0.0, stddev=1.0, seed=None, dtype=_dt.float32):
    return _initializer(lambda shape, dt: truncated_normal(shape, mean, stddev, dtype=dt, seed=seed), dtype)


def variance_scaling_initializer(scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                                 dtype=_dt.float32):
    if mode not in ("fan_in", "fan_out", "fan_avg"):
        raise InvalidArgumentError(f"variance_scaling_initializer: mode must be fan_in, fan_out or fan_avg, got {mode!r}")
    if distribution not in ("truncated_normal", "normal", "untruncated_normal", "uniform"):
        raise InvalidArgumentError("variance_scaling_initializer: distribution must be truncated_normal, "
                                   f"untruncated_normal or uniform, got {distribution!r}")

    def make(shape, dt):
        fan_in, fan_out = _fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
        variance = scale / max(1.0, n)
        if distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            return random_uniform(shape, -limit, limit, dtype=dt, seed=seed)
        if distribution == "untruncated_normal":
            return random_normal(shape, 0.0, math.sqrt(variance), dtype=dt, seed=seed)
        return truncated_normal(shape, 0.0, math.sqrt(variance) / _TRUNCATED_STDDEV, dtype=dt, seed=seed)
    return _initializer(make, dtype)


def glorot_uniform_initializer(seed=None, dtype=_dt.float32):
    return variance_scaling_initializer(1.0, "fan_avg", "uniform", seed, dtype)


def glorot_normal_initializer(seed=None, dtype=_dt.float32):
    return variance_scaling_initializer(1.0, "fan_avg", "truncated_normal", seed, dtype)


def he_normal_initializer(seed=None):
    return variance_scaling_initializer(2.0, "fan_in", "truncated_normal", seed)


def he_uniform_initializer(seed=None):
    return variance_scaling_initializer(2.0, "fan_in", "uniform", seed)


def xavier_initializer(uniform=True, seed=None, dtype=_dt.float32):
    """tf.contrib.layers.xavier_initializer: Glorot's, uniform or truncated normal."""
    return variance_scaling_initializer(1.0, "fan_avg", "uniform" if uniform else "truncated_normal", seed, dtype)
