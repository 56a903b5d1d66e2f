"""Caffe's fillers: how parameter blobs (and DummyData tops) are initialised.

constant, uniform, gaussian (with `sparse`), positive_unitball, xavier, msra and bilinear, with
Caffe's fan-in/fan-out rules. Values are float32 NumPy arrays drawn from the Caffe stream
(rng.py)."""
import math

import numpy as np

from .errors import NetDefinitionError
from .rng import rng


def _fans(shape):
    count = int(np.prod(shape)) if shape else 1
    fan_in = count // shape[0] if shape and shape[0] else count
    fan_out = count // shape[1] if len(shape) > 1 and shape[1] else count
    return fan_in, fan_out


def _variance_n(param, shape):
    fan_in, fan_out = _fans(shape)
    norm = param.variance_norm
    if norm == param.AVERAGE:
        return (fan_in + fan_out) / 2.0
    if norm == param.FAN_OUT:
        return float(fan_out)
    return float(fan_in)


def fill(param, shape, where="blob"):
    """A float32 array of `shape` filled as FillerParameter `param` says; `where` names the
    blob in errors."""
    shape = tuple(int(d) for d in shape)
    kind = param.type
    r = rng()
    if kind == "constant":
        return np.full(shape, param.value, np.float32)
    if kind == "uniform":
        if param.max < param.min:
            raise NetDefinitionError(f"{where}: uniform filler with max {param.max} < min {param.min}")
        return r.uniform(param.min, param.max, shape).astype(np.float32)
    if kind == "gaussian":
        data = r.normal(param.mean, param.std, shape).astype(np.float32)
        if param.sparse >= 0:
            if not shape:
                raise NetDefinitionError(f"{where}: a sparse gaussian filler needs a blob with at least one axis")
            keep = param.sparse / shape[0]  # each weight is kept with probability sparse / num_outputs
            data *= (r.random(shape) < keep).astype(np.float32)
        return data
    if param.sparse != -1 and kind in ("xavier", "msra", "positive_unitball", "bilinear"):
        raise NetDefinitionError(f"{where}: the {kind} filler does not support sparse")
    if kind == "positive_unitball":
        data = r.uniform(0, 1, shape).astype(np.float32)
        rows = data.reshape(shape[0], -1) if shape else data.reshape(1, -1)
        rows /= rows.sum(axis=1, keepdims=True)
        return data
    if kind == "xavier":
        scale = math.sqrt(3.0 / _variance_n(param, shape))
        return r.uniform(-scale, scale, shape).astype(np.float32)
    if kind == "msra":
        std = math.sqrt(2.0 / _variance_n(param, shape))
        return r.normal(0.0, std, shape).astype(np.float32)
    if kind == "bilinear":
        if len(shape) != 4 or shape[2] != shape[3]:
            raise NetDefinitionError(f"{where}: the bilinear filler needs a 4-D blob with square kernels, "
                                     f"got shape {list(shape)}")
        k = shape[3]
        f = math.ceil(k / 2.0)
        c = (k - 1) / (2.0 * f)
        axis = 1 - np.abs(np.arange(k) / f - c)
        kernel = np.outer(axis, axis).astype(np.float32)  # the same kernel in every (out, in) plane
        return np.broadcast_to(kernel, shape).copy()
    raise NetDefinitionError(f"{where}: unknown filler type {kind!r} (Caffe's fillers: constant, uniform, gaussian, "
                             "positive_unitball, xavier, msra, bilinear)")
