"""Tracing for export: composite ops that have an ONNX rule are recorded as one node each.

A trace records primitives only (composites call other ops), but ONNX has direct ops for many
composites (Conv, BatchNormalization, LayerNormalization, MaxPool, Gelu, ...). While an export
trace runs, the public functions of those composites (under every name users call them by) are
wrapped so that a call records one node and computes its values without recording its parts.
The node's op is a stand-in primitive whose forward runs the composite, so graphs holding it
still run (the branches of ug.cond are compiled while tracing). Composites without a rule are
recorded as their parts, and export by those.
"""
import contextlib
import functools
import inspect
import sys
import threading

import numpy as np

from ...backend import dtypes as _dt
from ...backend.device import Device, cpu
from ...core.grad_mode import no_grad
from ...core.tensor import Tensor
from ...core.trace_hook import NO_TRACE, state
from ...ops import api
from ...ops.bindings import OWNERS
from ...ops.movement.indexing import Slot
from ...ops.registry import REGISTRY, INTERNAL, OpDef

_lock = threading.RLock()
_local = threading.local()
_STAND_INS = {}   # (composite op, number of outputs) -> stand-in primitive
COMPOSITE_OF = {}  # stand-in -> the composite it records


def _slotted(value, tensors):
    """value with every Tensor in it replaced by Slot(i), the Tensor appended to `tensors`."""
    if isinstance(value, Tensor):
        tensors.append(value)
        return Slot(len(tensors) - 1)
    if isinstance(value, (tuple, list)):
        return type(value)(_slotted(v, tensors) for v in value)
    return value


def fill_slots(value, items):
    """The inverse of _slotted: each Slot(i) in value replaced by items[i]."""
    if isinstance(value, Slot):
        return items[value.i]
    if isinstance(value, (tuple, list)):
        return type(value)(fill_slots(v, items) for v in value)
    if isinstance(value, dict):
        return {k: fill_slots(v, items) for k, v in value.items()}
    return value


def _stand_in(op, n_outputs):
    key = (op, n_outputs)
    found = _STAND_INS.get(key)
    if found is None:
        def forward(xp, *arrays, arguments):
            device = cpu if xp is np else Device("cuda")
            tensors = [Tensor._make(a, device, _dt.dtype_of(a)) for a in arrays]
            previous, state.tracer = state.tracer, NO_TRACE
            try:
                with no_grad():
                    out = op.public(**fill_slots(arguments, tensors))
            finally:
                state.tracer = previous
            if n_outputs == 1:
                return out._data
            return tuple(o._data for o in out)
        found = _STAND_INS[key] = OpDef(name=op.name, forward=forward, n_outputs=n_outputs, diff_outputs=(),
                                        variants=INTERNAL, onnx=op.onnx)
        COMPOSITE_OF[found] = op
    return found


def _recording(op, fn):
    signature = inspect.signature(fn)

    @functools.wraps(fn)
    def recorded(*args, **kwargs):
        tracer = state.tracer
        if not tracer.active or getattr(_local, "opset", 0) < op.onnx.opset:  # (not exporting: opset 0)
            return fn(*args, **kwargs)
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError:
            return fn(*args, **kwargs)
        bound.apply_defaults()
        tensors = []
        arguments = {}
        for name, value in bound.arguments.items():
            kind = signature.parameters[name].kind
            if kind is inspect.Parameter.VAR_KEYWORD:
                arguments.update({k: _slotted(v, tensors) for k, v in value.items()})
            else:
                arguments[name] = _slotted(value, tensors)
        state.tracer = NO_TRACE
        try:
            out = fn(*args, **kwargs)
        finally:
            state.tracer = tracer
        outs = tuple(out) if isinstance(out, (tuple, list)) else (out,)
        if not outs or not all(isinstance(o, Tensor) for o in outs):
            return fn(*args, **kwargs)  # not a tensor result: record its parts instead
        handed_back = [any(o is t for t in tensors) for o in outs]
        if all(handed_back):
            return out  # the composite returned its input (dropout in eval mode): nothing to record
        if any(handed_back):
            return fn(*args, **kwargs)
        tracer.record(_stand_in(op, len(outs) if isinstance(out, (tuple, list)) else 1), tuple(tensors),
                      {"arguments": arguments}, outs)
        return out
    return recorded


def _holders(qualified):
    """(object, attribute) pairs where a bound name lives."""
    kind, _, attr = qualified.partition(".")
    if kind == "ug":
        yield api, attr
        top = sys.modules.get("unigrad")
        if top is not None:
            yield top, attr
    elif kind == "Tensor":
        yield Tensor, attr
    elif kind == "functional":
        functional = sys.modules.get("unigrad.nn.functional")
        if functional is not None:
            yield functional, attr


@contextlib.contextmanager
def composites_as_nodes(opset):
    """Within: traces record calls of composite ops that have an ONNX rule at `opset` as one node each."""
    with _lock:
        patched = []
        try:
            for qualified, op in list(OWNERS.items()):
                if not op.composite or op.onnx is None or REGISTRY.get(op.name) is not op:
                    continue
                for holder, attr in _holders(qualified):
                    current = getattr(holder, attr, None)
                    if current is op.public:
                        patched.append((holder, attr, current))
                        setattr(holder, attr, _recording(op, current))
            previous = getattr(_local, "opset", 0)
            _local.opset = opset
            try:
                yield
            finally:
                _local.opset = previous
        finally:
            for holder, attr, original in reversed(patched):
                setattr(holder, attr, original)
