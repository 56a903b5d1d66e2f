"""add_, sub_ and mul_ written straight into the target's NumPy array, where nothing records them.

The general in-place path (inplace.assign) computes the result out of place by an op and copies
it in: for `p.add_(grad, alpha=-lr)`, a hand-written SGD step, that is three passes and two
temporaries over every parameter. Outside autograd and traces the update is one pass in place
(BLAS axpby for the scaled add, which splits large arrays over the BLAS threads). Anything else
(recording, tracing, other devices, dtype promotion, broadcasting into a larger shape, operands
sharing memory) returns False and takes the general path, which gives the same values.
"""
import numbers

import numpy as np

from ..backend.cblas import scaled_add_
from .grad_mode import state as _grad_state
from .tensor import Tensor
from .trace_hook import state as _trace


def _target_array(target, other):
    """target's array when it may be updated directly with `other` (a Tensor or a number), else None."""
    data = target._data
    if type(data) is not np.ndarray or _trace.tracer.active or data.dtype.kind != "f" or not data.flags.writeable:
        return None
    if isinstance(other, Tensor):
        if _grad_state.enabled and (target.requires_grad or other.requires_grad):
            return None
        o = other._data
        if (type(o) is not np.ndarray or o.dtype != data.dtype or (o.shape != data.shape and o.ndim != 0)
                or np.may_share_memory(o, data)):
            return None
        return data
    if isinstance(other, bool) or not isinstance(other, numbers.Real):
        return None
    if _grad_state.enabled and target.requires_grad:
        return None
    return data


def _done(target):
    target._vc[0] += 1
    return True


def add_(target, other, alpha=1):
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
        return False
    data = _target_array(target, other)
    if data is None:
        return False
    if isinstance(other, Tensor):
        scaled_add_(data, other._data, alpha, 1)  # BLAS axpby where it applies, else NumPy
    else:
        data += data.dtype.type(other * alpha)
    return _done(target)


def sub_(target, other, alpha=1):
    return add_(target, other, -alpha) if isinstance(alpha, numbers.Real) else False


def mul_(target, other):
    data = _target_array(target, other)
    if data is None:
        return False
    np.multiply(data, other._data if isinstance(other, Tensor) else data.dtype.type(other), out=data)
    return _done(target)


FAST = {"add_": add_, "sub_": sub_, "mul_": mul_, "__iadd__": add_, "__isub__": sub_, "__imul__": mul_}
