"""ug.accelerator (torch.accelerator): the device-agnostic way programs ask for the GPU. The
accelerator unigrad drives is CUDA (through CuPy); on a machine without one, `is_available()`
is False and `current_accelerator()` is None, so the usual
``device = ug.accelerator.current_accelerator() if ug.accelerator.is_available() else ug.device("cpu")``
picks the CPU."""
from . import cuda as _cuda
from .backend.device import _NULL_CONTEXT, Device, _load_cupy, cuda_available
from .errors import DeviceError


def is_available():
    """Whether an accelerator (a CUDA GPU that CuPy can drive) is present.

    Example::

        >>> ug.accelerator.is_available() == ug.cuda.is_available()
        True
    """
    return cuda_available()


def current_accelerator(check_available=False):
    """The accelerator as a device (``device(type='cuda', index=N)`` for the current GPU), or None
    when there is none."""
    if not cuda_available():
        return None
    return Device("cuda", current_device_index())


def device_count():
    """How many accelerator devices there are (0 without one)."""
    return _cuda.device_count()


def current_device_index():
    """The index of the current accelerator device (-1 without one)."""
    cp = _load_cupy()
    return cp.cuda.runtime.getDevice() if cp is not None else -1


current_device_idx = current_device_index


def set_device_index(device):
    """Make device (an index, a name such as 'cuda:1', or a device) the current accelerator device."""
    cp = _load_cupy()
    if cp is None:
        raise DeviceError("ug.accelerator.set_device_index: there is no accelerator on this machine")
    index = device if isinstance(device, int) else Device(device).index
    cp.cuda.runtime.setDevice(index)


set_device_idx = set_device_index


def synchronize(device=None):
    """Wait until the accelerator has finished the work queued so far (nothing to wait for without one)."""
    with Device(device).activate() if device is not None else _NULL_CONTEXT:
        _cuda.synchronize()
