"""Devices: 'cpu' runs on NumPy, 'cuda[:N]' on CuPy, 'meta' holds shapes only (backend/meta.py).
Device objects are interned."""
import numpy as np

from ..errors import DeviceError
from .meta import MetaArray

_cupy = None
_cupy_checked = False


def _load_cupy():
    global _cupy, _cupy_checked
    if not _cupy_checked:
        _cupy_checked = True
        try:
            import cupy
            if cupy.cuda.is_available():
                _cupy = cupy
        except Exception:  # cupy missing or broken: CUDA is simply unavailable
            _cupy = None
    return _cupy


def cuda_available():
    return _load_cupy() is not None


class Device:
    """A place where arrays live. `xp` is the array module (numpy or cupy)."""
    __slots__ = ("type", "index", "xp", "_str")
    _cache = {}

    def __new__(cls, spec=None, index=None, *, type=None):
        if isinstance(spec, Device):
            return spec
        if type is not None:  # torch.device(type="cuda", index=1)
            if spec is not None:
                raise DeviceError(f"device: give the type once, as {spec!r} or as type={type!r}")
            spec = type
        spec = "cpu" if spec is None else spec
        if isinstance(spec, int) and not isinstance(spec, bool):  # torch.device(1) is cuda:1
            if index is not None or spec < 0:
                raise DeviceError(f"device: an integer device is a CUDA index >= 0, got {spec!r}"
                                  + (f" with index={index!r}" if index is not None else ""))
            spec, index = "cuda", spec
        key = (spec, index)
        found = cls._cache.get(key)
        if found is not None:
            return found
        text = str(spec)
        kind, _, idx = text.partition(":")
        if kind not in ("cpu", "cuda", "meta"):
            raise DeviceError(f"unknown device {spec!r}: expected 'cpu', 'cuda', 'cuda:N', 'meta' or a CUDA index")
        if idx and index is not None:
            raise DeviceError(f"device: {text!r} already names an index; do not pass index={index!r} as well")
        if index is not None and (not isinstance(index, int) or isinstance(index, bool) or index < 0):
            raise DeviceError(f"device: index must be an int >= 0, got {index!r}")
        if index is None:
            index = int(idx) if idx else (0 if kind == "cuda" else None)
        self = object.__new__(cls)
        self.type = kind
        self.index = index if kind == "cuda" else None
        if kind == "cuda":
            cp = _load_cupy()
            if cp is None:
                raise DeviceError(f"device 'cuda:{index}' requested but CUDA is not available "
                                  "(install the 'gpu' extra: pip install unigrad[gpu], and check the driver)")
            if index >= cp.cuda.runtime.getDeviceCount():
                raise DeviceError(f"device 'cuda:{index}' requested but only "
                                  f"{cp.cuda.runtime.getDeviceCount()} CUDA device(s) exist")
            self.xp = cp
            self._str = f"cuda:{index}"
        else:  # on 'meta' NumPy functions refuse the data-less arrays, which sends ops to their shape rules
            self.xp = np
            self._str = kind
        canonical = cls._cache.get((self._str, None))
        if canonical is not None:
            cls._cache[key] = canonical
            return canonical
        cls._cache[key] = cls._cache[(self._str, None)] = self
        return self

    def __repr__(self):
        return f"device(type='{self.type}'" + (f", index={self.index})" if self.index is not None else ")")

    def __str__(self):
        return self._str

    def __eq__(self, other):
        if isinstance(other, str):
            try:
                other = Device(other)
            except DeviceError:
                return False
        return self is other

    def __hash__(self):
        return hash(self._str)

    def __enter__(self):
        """`with ug.device("meta"):` as `with torch.device(...)`: the default device inside the
        block (factories, tensor(), new modules' parameters), the previous one restored after."""
        _entered.append(_default[0])
        _default[0] = self
        return self

    def __exit__(self, *exc):
        _default[0] = _entered.pop()
        return False

    def activate(self):
        """Context manager making this the current CuPy device (no-op on CPU)."""
        if self.type == "cuda":
            return self.xp.cuda.Device(self.index)
        return _NULL_CONTEXT


class _NullContext:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


_NULL_CONTEXT = _NullContext()
cpu = Device("cpu")
meta = Device("meta")
device = Device
_default = [cpu]  # where factories and tensor() put results when no device= is given
_entered = []  # the defaults that `with device:` blocks replaced, innermost last


def set_default_device(device):
    """torch.set_default_device: factories (zeros, randn, ...), tensor() of Python or NumPy data,
    and so new modules' parameters go to `device` when no device= is given (None: back to cpu)."""
    _default[0] = cpu if device is None else Device(device)


def get_default_device():
    """torch.get_default_device: where results go when no device= is given."""
    return _default[0]


def get_device(array):
    """Device holding a raw numpy/cupy array (or a meta device's MetaArray)."""
    if isinstance(array, np.ndarray) or np.isscalar(array):
        return cpu
    if isinstance(array, MetaArray):
        return meta
    cp = _load_cupy()
    if cp is not None and isinstance(array, cp.ndarray):
        return Device("cuda", array.device.id)
    return cpu


_SCALARS = {}


def scalar(xp, value, dtype):
    """A cached 0-d array: NumPy combines arrays with 0-d arrays ~2x faster than with Python numbers."""
    key = (xp, value, dtype)
    found = _SCALARS.get(key)
    if found is None:
        found = _SCALARS[key] = xp.asarray(value, dtype=dtype)
    return found
