"""pycaffe's device switches: `set_mode_cpu()`, `set_mode_gpu()`, `set_device(i)`. Nets and
solvers created afterwards run there (CUDA through CuPy)."""
from ..backend.device import Device, cuda_available
from ..errors import DeviceError

_state = {"gpu": False, "index": 0}


def set_mode_cpu():
    """Run nets created from now on on the CPU (NumPy)."""
    _state["gpu"] = False


def set_mode_gpu():
    """Run nets created from now on on the GPU chosen by `set_device` (CuPy)."""
    if not cuda_available():
        raise DeviceError("set_mode_gpu: no CUDA device is available (install the gpu extra, "
                          "pip install unigrad[gpu], and check the driver); use set_mode_cpu()")
    _state["gpu"] = True


def set_device(index):
    """The GPU index `set_mode_gpu` uses."""
    _state["index"] = int(index)


def current_device():
    """The Device new nets are built on."""
    return Device("cuda", _state["index"]) if _state["gpu"] else Device("cpu")
