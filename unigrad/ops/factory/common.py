"""Argument handling shared by the factories and random ops: sizes, dtypes, devices."""
from ...backend import dtypes as _dt
from ...backend.device import Device, get_default_device
from ...core.tensor import Tensor
from ...errors import InvalidTypeError


def size_of(size, name):
    """A shape from f(2, 3), f((2, 3)), f([2, 3]) or f(torch.Size)."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    try:
        return tuple(int(s) for s in size)
    except (TypeError, ValueError):
        raise InvalidTypeError(f"{name}: a size is ints (or one tuple of ints), got {size!r}") from None


def device_and_dtype(device, dtype, default=None):
    """(Device, DType) from the user's device= and dtype= (None: the default device and float)."""
    return (Device(device) if device is not None else get_default_device(),
            _dt.to_dtype(dtype) if dtype is not None else (default or _dt.get_default_dtype()))


def like(input, dtype, device, name):
    """(DType, Device) of a *_like factory: the input's unless given."""
    if not isinstance(input, Tensor):
        raise InvalidTypeError(f"{name}: expected a Tensor to take the shape of, got {type(input).__name__}")
    return (input._dtype if dtype is None else _dt.to_dtype(dtype),
            input._device if device is None else Device(device))


def made(t, requires_grad):
    """A factory's result, a leaf that requires grad when asked."""
    if requires_grad:
        t.requires_grad_(True)
    return t


def torch_dtype(torch, dtype):
    return getattr(torch, dtype.name)
