"""TF1 initializers: callables (shape, dtype) -> initial value, for tf.get_variable and layers.

Variance scaling follows TF: n is fan_in, fan_out or their mean, where a kernel of shape
(..., in, out) has fan_in = in * receptive field and fan_out = out * receptive field; uniform
draws from [-sqrt(3 s / n), sqrt(3 s / n)], truncated normal has stddev sqrt(s / n) / 0.8796
(the stddev of a unit normal truncated at two standard deviations).
"""
import math

from ...backend import dtypes as _dt
from ...errors import InvalidArgumentError
from .ops import constant, ones, random_normal, random_uniform, truncated_normal, zeros

_TRUNCATED_STDDEV = 0.87962566103423978


def _fans(shape):
    if not shape:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


def zeros_initializer():
    return lambda shape, dtype=_dt.float32, partition_info=None: zeros(shape, dtype=dtype)


def ones_initializer():
    return lambda shape, dtype=_dt.float32, partition_info=None: ones(shape, dtype=dtype)


def constant_initializer(value=0):
    import numpy as np

    def init(shape, dtype=_dt.float32, partition_info=None):
        return constant(np.broadcast_to(np.asarray(value), tuple(shape)), dtype=dtype)
    return init


def random_uniform_initializer(minval=-0.05, maxval=0.05):
    return lambda shape, dtype=_dt.float32, partition_info=None: random_uniform(shape, minval, maxval, dtype=dtype)


def random_normal_initializer(mean=0.0, stddev=1.0):
    return lambda shape, dtype=_dt.float32, partition_info=None: random_normal(shape, mean, stddev, dtype=dtype)


def truncated_normal_initializer(mean=0.0, stddev=1.0):
    return lambda shape, dtype=_dt.float32, partition_info=None: truncated_normal(shape, mean, stddev, dtype=dtype)


def variance_scaling_initializer(scale=1.0, mode="fan_in", distribution="truncated_normal"):
    if mode not in ("fan_in", "fan_out", "fan_avg"):
        raise InvalidArgumentError(f"variance_scaling_initializer: mode must be fan_in, fan_out or fan_avg, got {mode!r}")
    if distribution not in ("truncated_normal", "normal", "untruncated_normal", "uniform"):
        raise InvalidArgumentError("variance_scaling_initializer: distribution must be truncated_normal, "
                                   f"untruncated_normal or uniform, got {distribution!r}")

    def init(shape, dtype=_dt.float32, partition_info=None):
        fan_in, fan_out = _fans(tuple(shape))
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
        variance = scale / max(1.0, n)
        if distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            return random_uniform(shape, -limit, limit, dtype=dtype)
        if distribution == "untruncated_normal":
            return random_normal(shape, 0.0, math.sqrt(variance), dtype=dtype)
        return truncated_normal(shape, 0.0, math.sqrt(variance) / _TRUNCATED_STDDEV, dtype=dtype)
    return init


def glorot_uniform_initializer():
    return variance_scaling_initializer(1.0, "fan_avg", "uniform")


def glorot_normal_initializer():
    return variance_scaling_initializer(1.0, "fan_avg", "truncated_normal")


def he_normal_initializer():
    return variance_scaling_initializer(2.0, "fan_in", "truncated_normal")
