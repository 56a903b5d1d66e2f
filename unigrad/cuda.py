"""ug.cuda: is the GPU path available, and how many devices."""
from .backend.device import _load_cupy, cuda_available


def is_available():
    return cuda_available()


def device_count():
    cp = _load_cupy()
    return cp.cuda.runtime.getDeviceCount() if cp is not None else 0


def synchronize():
    cp = _load_cupy()
    if cp is not None:
        cp.cuda.Device().synchronize()


def manual_seed(seed):
    from .core.random import manual_seed as seed_all
    seed_all(seed)
