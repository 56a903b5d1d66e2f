"""In-place updates: a tensor's memory takes a computed result (x.add_(y), x[i] = v, x += 1).

The result is computed out of place by an op; `assign` writes it into the target's memory,
bumps the target's version counter, tells a running trace, and under grad mode hands the
target the result's tape history (keeping a snapshot of the old value when the op read it).
"""
from ..backend import dtypes as _dt
from ..errors import AutogradError
from .grad_mode import state as _grad_state
from .inplace_fast import FAST
from .tensor import Tensor
from .trace_hook import state as _trace


def assign(target, result):
    """Write `result` into `target`'s memory; under grad mode target takes over result's history."""
    recording = _grad_state.enabled and (target.requires_grad or result.requires_grad)
    if recording:
        if target._node is None and target.requires_grad:
            raise AutogradError(f"a leaf tensor of shape {tuple(target.shape)} that requires grad is used in an "
                                "in-place operation; wrap it in `with unigrad.no_grad():` or use an out-of-place op")
        if target._is_view:
            raise AutogradError("in-place operation on a view of another tensor while recording gradients is not "
                                "supported; use an out-of-place op or .clone() the view first")
    node = result._node if recording else None
    if node is not None and any(t is target for t in node.inputs):
        # the op read target's old value: keep a snapshot with the old history for its backward
        old = Tensor._make(target._data.copy(), target._device, target._dtype, target.requires_grad, target._node,
                           target._idx)
        node.inputs = tuple(old if t is target else t for t in node.inputs)
        if node.in_versions is not None:
            node.in_versions = [t._vc[0] for t in node.inputs]
    data = result._data
    if data.dtype != target._data.dtype:
        if target._dtype.category < _dt.dtype_of(data).category:
            raise _dt.DtypeError(f"result type {result.dtype} cannot be cast in place to {target.dtype}")
        data = data.astype(target._data.dtype)
    if data is not target._data:
        target._data[...] = data
    target._vc[0] += 1
    _trace.tracer.assign(target, result)
    if recording:
        target._node = result._node
        target._idx = result._idx
        target.requires_grad = result.requires_grad
        if target._node is not None and target._node.out_data is not None:
            target._node.out_data[target._idx] = target._data  # saved output now lives in target
            target._node.out_vcs[target._idx] = target._vc
            target._node.out_versions[target._idx] = target._vc[0]
    return target


def in_place(compute, name):
    """The Tensor method `name`: writes compute(self, *args, **kwargs) into self and returns self."""
    direct = FAST.get(name)

    def method(self, *args, **kwargs):
        if direct is not None and direct(self, *args, **kwargs):
            return self
        return assign(self, compute(self, *args, **kwargs))
    method.__name__ = name
    method.__qualname__ = f"Tensor.{name}"
    method.__doc__ = f"In-place form of {getattr(compute, '__name__', name)}: self takes the result."
    return method
