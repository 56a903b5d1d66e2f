"""Optimizer updates inside a traced graph (ug.jit over a whole training step).

Eagerly, updates run on raw arrays. While tracing, the same `_update` code runs on Tensors
through `TensorMath` (the few array functions it uses, as ops), and each piece of optimizer
state becomes a live capture that the compiled graph updates through an effect, so compiled
steps continue from the state the previous step left.
"""
import numpy as np

from ..core.tensor import Tensor
from ..core.trace_hook import state as _trace
from ..ops import api as F


class TensorMath:
    """The subset of the array API that optimizer updates use, over Tensors."""
    zeros_like = staticmethod(F.zeros_like)
    sqrt = staticmethod(F.sqrt)
    copy = staticmethod(F.clone)

    @staticmethod
    def full_like(t, value):
        return F.full_like(t, value)

    @staticmethod
    def maximum(a, b, out=None):
        result = F.maximum(a, b)
        if out is None:
            return result
        out.copy_(result)
        return out


class TracedState:
    """Dict-like view of one parameter's optimizer state as persistent Tensors."""

    def __init__(self, state, device):
        self.state, self.device = state, device
        self.wrappers = {}

    def _wrap(self, key):
        value = self.state[key]
        if not hasattr(value, "shape"):  # Python step counters become 0-d arrays the graph can update
            value = self.state[key] = np.asarray(float(value)) if self.device.type == "cpu" else \
                self.device.xp.asarray(float(value))
        t = self.wrappers.get(key)
        if t is None or t._data is not value:
            t = self.wrappers[key] = Tensor(value) if isinstance(value, np.ndarray) and self.device.type == "cpu" \
                else Tensor._make(value, self.device, _dtype_of(value))
            _trace.tracer.make_live(t)
        return t

    def __bool__(self):
        return bool(self.state)

    def __contains__(self, key):
        return key in self.state

    def get(self, key, default=None):
        return self._wrap(key) if key in self.state else default

    def __getitem__(self, key):
        return self._wrap(key)

    def __setitem__(self, key, value):
        if isinstance(value, Tensor) and self.wrappers.get(key) is value:
            return  # `state[k] += x` hands back the same Tensor after updating it in place
        self.state[key] = value._data if isinstance(value, Tensor) else value
        if isinstance(value, Tensor):
            self.wrappers[key] = value
            _trace.tracer.make_live(value)


def _dtype_of(array):
    from ..backend.dtypes import dtype_of
    return dtype_of(array)


def traced_group(optimizer, group, param):
    """The param group as a traced update sees it: "lr" is a 0-d tensor in param's dtype that the
    compiled graph reads live and refreshes from the group before each run, so learning-rate
    schedules apply to compiled steps; every other hyperparameter is baked in and guarded."""
    tracer = _trace.tracer
    live = optimizer.__dict__.setdefault("_live_lr", {})
    key = (id(group), param._dtype, param._device)
    lr = live.get(key)
    if lr is None:
        data = param._device.xp.asarray(group["lr"], dtype=param._dtype.np)
        lr = live[key] = Tensor._make(data, param._device, param._dtype)
    tracer.make_live(lr)
    tracer.refresh_before_run(lr, group, "lr")
    view = dict(group)
    view["lr"] = lr
    for name, value in group.items():
        if name not in ("lr", "params"):
            tracer.guard_value(group, name, value)
    return view
