"""The one call path of every primitive op: run forward on the inputs' device, record the tape,
report to a running trace. On the 'meta' device the op's shape rule stands in for its forward."""
import numpy as np

from ..backend.device import meta as _META
from ..backend.dtypes import DType
from ..backend.meta import MetaArray, no_data
from ..core.grad_mode import state as _grad_state
from ..core.node import Node
from ..core.tensor import Tensor
from ..core.trace_hook import state as _trace
from ..errors import DeviceError, UnigradError
from .spec import Spec

_DTYPES = DType._by_np
_NDARRAY = np.ndarray
_new = object.__new__


def dispatch(op, inputs, attrs):
    """Apply primitive `op` to Tensors `inputs`. Returns a Tensor or a tuple of Tensors."""
    if op.device_attr is not None:
        return _dispatch_placed(op, inputs, attrs)
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
    except Exception as exc:
        if device is _META:  # the forward refused the data-less arrays: answer with the shape rule
            return _on_meta(op, inputs, attrs)
        if isinstance(exc, UnigradError):
            raise
        _explain_failure(op, inputs, attrs, exc)
    needs_grad = needs_grad and _grad_state.enabled
    if op.n_outputs == 1:
        if type(result) is not _NDARRAY and device.xp is np:  # numpy turns 0-d results into scalars
            if type(result) is MetaArray:  # a forward that hands its input back
                return _on_meta(op, inputs, attrs)
            result = np.asarray(result)
        rdt = result.dtype
        # the fields core.tensor.init_fields sets, set inline: a call here costs ~8 % of an eager
        # op (callgrind); tests/test_registry.py checks the two stay the same
        out = _new(Tensor)
        out._data = result
        out._device = device
        out._dtype = first._dtype if rdt is first._data.dtype else _DTYPES[rdt]
        if op.view:
            out._vc = first._vc
            out._is_view = True
        else:
            out._vc = [0]
            out._is_view = False
        out.requires_grad = out._retains_grad = False
        out._grad = out._node = out._hooks = None
        out._idx = 0
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
    if device is _META:
        return _on_meta(op, inputs, attrs)
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


def _dispatch_placed(op, inputs, attrs):
    """An op whose result lives on the device one of its attrs names: a factory (no inputs) or
    to_device. One output; differentiable through its inputs when it has a backward."""
    device = attrs[op.device_attr]
    if device is _META or (inputs and inputs[0]._device is _META):
        if device is not _META:
            raise no_data()
        return _on_meta(op, inputs, attrs, check_devices=False)
    try:
        with device.activate():
            result = op.forward(device.xp, *[t._data for t in inputs], **attrs)
    except UnigradError:
        raise
    except Exception as exc:
        _explain_failure(op, inputs, attrs, exc)
    if type(result) is not _NDARRAY and device.xp is np:
        result = np.asarray(result)
    out = Tensor._make(result, device, _DTYPES[result.dtype])
    if op.diff_outputs and _grad_state.enabled and any(t.requires_grad for t in inputs):
        out._node = Node(op, inputs, attrs, (out,))
        out.requires_grad = True
    if _trace.tracer.active:
        _trace.tracer.record(op, inputs, attrs, (out,))
    return out


def _on_meta(op, inputs, attrs, check_devices=True):
    """Apply `op` to tensors on the meta device: its shape rule gives the outputs' shapes and
    dtypes, and nothing is computed or recorded on the tape."""
    if check_devices and any(t._device is not _META for t in inputs):
        _device_mismatch(op, inputs)
    if op.infer is None:
        raise UnigradError(f"op '{op.name}' has no shape rule (infer), so it cannot run on the 'meta' device")
    specs = op.infer(*[Spec(t._data.shape, t._dtype) for t in inputs], **attrs)
    specs = specs if isinstance(specs, tuple) else (specs,)
    outs = tuple(Tensor._make(MetaArray(s.shape, s.dtype.np), _META, s.dtype) for s in specs)
    if _trace.tracer.active:
        _trace.tracer.record(op, inputs, attrs, outs)
    return outs[0] if op.n_outputs == 1 else outs


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
