"""The one call path of every primitive op: run forward on the inputs' device, record the tape."""
import numpy as np

from ..autograd.grad_mode import state as _grad_state
from ..autograd.node import Node
from ..autograd.tensor import Tensor
from ..backend.dtypes import DType
from ..errors import DeviceError, UnigradError

_DTYPES = DType._by_np
_NDARRAY = np.ndarray


def dispatch(op, inputs, attrs):
    """Apply primitive `op` to Tensors `inputs`. Returns a Tensor or a tuple of Tensors."""
    device = inputs[0]._device
    arrays = []
    needs_grad = False
    for t in inputs:
        if t._device is not device:
            _device_mismatch(op, inputs)
        arrays.append(t._data)
        if t.requires_grad:
            needs_grad = True
    try:
        result = op.forward(device.xp, *arrays, **attrs)
    except UnigradError:
        raise
    except Exception as exc:
        _explain_failure(op, inputs, attrs, exc)
    needs_grad = needs_grad and _grad_state.enabled
    vc = inputs[0]._vc if op.view else None
    if op.n_outputs == 1:
        if type(result) is not _NDARRAY and device.xp is np:  # numpy turns 0-d results into scalars
            result = np.asarray(result)
        out = Tensor._make(result, device, _DTYPES[result.dtype], vc=vc)
        if needs_grad and op.diff_outputs:
            out._node = Node(op, inputs, attrs, (out,))
            out.requires_grad = True
        return out
    if device.xp is np:
        result = [np.asarray(r) for r in result]
    outs = tuple(Tensor._make(r, device, _DTYPES[r.dtype], vc=vc) for r in result)
    if needs_grad and op.diff_outputs:
        node = Node(op, inputs, attrs, outs)
        for i in op.diff_outputs:
            outs[i]._node = node
            outs[i]._idx = i
            outs[i].requires_grad = True
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
