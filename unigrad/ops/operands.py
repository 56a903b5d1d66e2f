"""Turning user arguments (Tensors, Python scalars, arrays) into same-dtype Tensor operands."""
import numpy as np

from ..core.tensor import Tensor, as_tensor
from ..backend import dtypes as _dt
from ..backend.device import cpu
from ..errors import InvalidTypeError

_CONST_CACHE = {}


_CPU_FLOATS = {}  # dtype -> {float value: Tensor}: the x * 0.5 case without building a key tuple


def cpu_float_const(value, dtype):
    table = _CPU_FLOATS.get(dtype)
    if table is None:
        table = _CPU_FLOATS[dtype] = {}
    t = table.get(value)
    if t is None:
        if len(table) > 4096:
            table.clear()
        t = table[value] = const(value, dtype, cpu)
    return t


def const(value, dtype, device):
    """A cached 0-d Tensor holding a Python scalar (operands like the 2 in x * 2)."""
    key = (type(value), value, dtype, device)
    t = _CONST_CACHE.get(key)
    if t is None:
        if len(_CONST_CACHE) > 4096:
            _CONST_CACHE.clear()
        xp = device.xp
        t = Tensor._make(xp.asarray(value, dtype=dtype.np), device, dtype)
        _CONST_CACHE[key] = t
    return t


def cast(t, dtype):
    if t._dtype is dtype:
        return t
    from .elementwise.to_dtype import to_dtype
    return to_dtype(t, dtype)


def tensor_operands(*args):
    """Promote a mix of Tensors and scalars to Tensors of one dtype on one device."""
    if len(args) == 2:  # the common binary case, without building lists
        a, b = args
        if isinstance(a, Tensor):
            if isinstance(b, Tensor):
                if a._dtype is b._dtype:
                    return args
            elif type(b) is float and a._dtype.category == 2:
                return a, const(b, a._dtype, a._device)
            elif type(b) is int and a._dtype.category >= 1:
                return a, const(b, a._dtype, a._device)
    tensors = [a for a in args if isinstance(a, Tensor)]
    if len(tensors) == len(args):
        first = tensors[0]._dtype
        if all(t._dtype is first for t in tensors):
            return args
        dtype = _dt.result_dtype([t._dtype for t in tensors])
        return tuple(cast(t, dtype) for t in args)
    if not tensors:
        args = tuple(a if isinstance(a, Tensor) else as_tensor(a) for a in args)
        return tensor_operands(*args)
    device = tensors[0]._device
    scalars = [a for a in args if not isinstance(a, Tensor)]
    if any(isinstance(s, np.ndarray) or hasattr(s, "__cuda_array_interface__") for s in scalars):
        args = tuple(a if isinstance(a, Tensor) else as_tensor(a, device=device) for a in args)
        return tensor_operands(*args)
    for s in scalars:
        if not isinstance(s, (bool, int, float, np.generic)):
            raise InvalidTypeError(f"expected a Tensor or a number, got {type(s).__name__}")
    scalars = [s.item() if isinstance(s, np.generic) else s for s in scalars]
    dtype = _dt.result_dtype([t._dtype for t in tensors], scalars)
    out = []
    for a in args:
        if isinstance(a, Tensor):
            out.append(cast(a, dtype))
        else:
            out.append(const(a.item() if isinstance(a, np.generic) else a, dtype, device))
    return tuple(out)


def as_float_tensor(x):
    """Tensor input for ops defined only on floating dtypes (exp, sigmoid, ...)."""
    if not isinstance(x, Tensor):
        x = as_tensor(x)
    if not x._dtype.is_floating_point:
        x = cast(x, _dt.get_default_dtype())
    return x


def ensure_tensor(x, device=cpu):
    return x if isinstance(x, Tensor) else as_tensor(x, device=device)
