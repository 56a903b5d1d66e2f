"""What the import rules share: constants of an input's dtype, axes, ONNX's old broadcasting."""
import numpy as np

from ....backend import dtypes as _dt
from ....ops import api as F


def scalar(ctx, value, like):
    """A 0-d constant of `like`'s dtype (like: a Tensor or a unigrad dtype)."""
    dtype = like if isinstance(like, _dt.DType) else like.dtype
    return ctx.const(np.asarray(value, dtype=dtype.np))


def axis_of(axis, rank):
    """A possibly negative axis as a non-negative one."""
    return int(axis) % rank if rank else 0


def axes_of(axes, rank):
    return tuple(sorted(axis_of(a, rank) for a in axes))


def ints(values):
    return [int(v) for v in np.asarray(values).reshape(-1)]


def legacy_broadcast(a, b, broadcast=0, axis=None):
    """Before opset 7, binary ops broadcast b only when asked, aligned at `axis` of a."""
    if not broadcast or axis is None or b.ndim == 0:
        return b
    axis = axis_of(axis, a.ndim)
    trailing = a.ndim - axis - b.ndim
    return F.reshape(b, tuple(b.shape) + (1,) * trailing) if trailing > 0 else b


def is_float(x):
    return x.dtype.is_floating_point


def to_like(x, like):
    """x cast to like's dtype (when they differ)."""
    return x if x.dtype is like.dtype else F.to_dtype(x, like.dtype)


def fold(fn, values):
    out = values[0]
    for v in values[1:]:
        out = fn(out, v)
    return out
