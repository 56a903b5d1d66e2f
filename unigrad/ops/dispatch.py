"""The one call path of every primitive op: run forward on the inputs' device, record the tape."""
import numpy as np

from ..core.grad_mode import state as _grad_state
from ..core.node import Node
from ..core.tensor import Tensor, init_fields as _init
from ..backend.dtypes import DType
from ..errors import DeviceError, UnigradError
from ..core.trace_hook import state as _trace

_DTYPES = DType._by_np
_NDARRAY = np.ndarray
_new = object.__new__


def dispatch(op, inputs, attrs):
    """Apply primitive `op` to Tensors `inputs`. Returns a Tensor or a tuple of Tensors."""
    first = inputs[0]
    device = first._device
    n = len(inputs)
    try:
        # unrolled for the common arities: this function runs for every op, forward and backward
        if n == 2:
            second = inputs[1]
            if second._device is not device:
                _device_mismatch(op, inputs)
            needs_grad = first.requires_grad or second.requires_grad
            fn = op.array_fn
            if fn is not None:
                result = fn(first._data, second._data)
            else:
                result = op.forward(device.xp, first._data, second._data, **attrs)
        elif n == 1:
            needs_grad = first.requires_grad
            fn = op.array_fn
            result = fn(first._data) if fn is not None else op.forward(device.xp, first._data, **attrs)
        else:
            needs_grad = False
            for t in inputs:
                if t._device is not device:
                    _device_mismatch(op, inputs)
                if t.requires_grad:
                    needs_grad = True
            result = op.forward(device.xp, *[t._data for t in inputs], **attrs)
    except UnigradError:
        raise
    except Exception as exc:
        _explain_failure(op, inputs, attrs, exc)
    needs_grad = needs_grad and _grad_state.enabled
    if op.n_outputs == 1:
        if type(result) is not _NDARRAY and device.xp is np:  # numpy turns 0-d results into scalars
            result = np.asarray(result)
        rdt = result.dtype
        view = op.view
        out = _init(_new(Tensor), result, device, first._dtype if rdt is first._data.dtype else _DTYPES[rdt],
                    first._vc if view else [0], view)
        if needs_grad and op.diff_outputs:
            # the tape record of a single-output op, built inline (this runs for every recorded op;
            # Node.__init__ is the general form)
            node = out._node = _new(Node)
            node.op = op
            node.attrs = attrs
            node.inputs = inputs
            node.n_outputs = 1
            node.edges = node.hooks = node.pending = None
            if not op.saves_inputs:
                node.in_versions = None
            elif n == 2:
                node.in_versions = (first._vc[0], inputs[1]._vc[0])
            else:
                node.in_versions = [t._vc[0] for t in inputs]
            if op.saves_outputs:
                node.out_data, node.out_vcs, node.out_versions = [result], [out._vc], [out._vc[0]]
                node.device = device
            else:
                node.out_data = None
            out.requires_grad = True
        if _trace.tracer.active:  # the one guarded report: a no-op call here costs ~6% of eager op time
            _trace.tracer.record(op, inputs, attrs, (out,))
        return out
    vc = first._vc if op.view else None
    if device.xp is np:
        result = [np.asarray(r) for r in result]
    outs = tuple(Tensor._make(r, device, _DTYPES[r.dtype], vc=vc) for r in result)
    if needs_grad and op.diff_outputs:
        node = Node(op, inputs, attrs, outs)
        for i in op.diff_outputs:
            if i >= len(outs):  # ops with a variable number of outputs (ug.cond)
                break
            outs[i]._node = node
            outs[i]._idx = i
            outs[i].requires_grad = True
    _trace.tracer.record(op, inputs, attrs, outs)
    return outs


def _device_mismatch(op, inputs):
    devices = ", ".join(str(t._device) for t in inputs)
    raise DeviceError(f"op '{op.name}': expected all tensors on one device, got [{devices}]. "
                      "Move them with .to(device) first.")


def _explain_failure(op, inputs, attrs, exc):
    """Turn a failure deep inside an array library into an error naming op, shapes and call site."""
    if op.infer is not None:
        from .spec import Spec
        try:
            op.infer(*[Spec(t.shape, t._dtype) for t in inputs], **attrs)
        except UnigradError as clear:
            raise clear from None
        except Exception:
            pass
    shapes = ", ".join(f"{tuple(t.shape)}:{t._dtype.name}" for t in inputs)
    raise UnigradError(f"op '{op.name}' failed for inputs [{shapes}] and attrs {attrs}: "
                       f"{type(exc).__name__}: {exc}") from exc
