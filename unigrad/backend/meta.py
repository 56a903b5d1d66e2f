"""The 'meta' device: tensors with a shape and a dtype but no data (PyTorch's meta tensors).

Ops on meta tensors run only their shape rule (`infer`): a whole model can be run on the meta
device to learn its output shapes without computing anything, and TF1 graphs learn their
static shapes this way (compat/v1/graph.py). A MetaArray refuses every array operation, so an
op's forward fails at once on it and dispatch answers with the op's shape rule instead.
Dimensions may be None (unknown).
"""
import numpy as np

from ..errors import DeviceError


class _Flags:
    c_contiguous = True
    f_contiguous = False
    writeable = False


class MetaArray:
    """Stands where a tensor on the meta device would keep its array: shape and dtype only."""
    __slots__ = ("shape", "dtype")
    __array_ufunc__ = None  # NumPy ufuncs refuse it (TypeError), so forwards fail fast
    flags = _Flags()
    base = None

    def __init__(self, shape, dtype):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = np.dtype(dtype)

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        if None in self.shape:
            return None
        n = 1
        for d in self.shape:
            n *= d
        return n

    def __setitem__(self, key, value):
        """An in-place write (a module's init, x.add_(y)) has nothing to store: only a whole-array
        write's shape is checked, as NumPy would (the op that made `value` checked the rest)."""
        if key is Ellipsis and getattr(value, "shape", ()) != self.shape:
            try:
                ok = np.broadcast_shapes(tuple(value.shape), self.shape) == self.shape
            except ValueError:
                ok = False
            if not ok:
                raise ValueError(f"could not broadcast a value of shape {tuple(value.shape)} into shape {self.shape}")

    def __array__(self, dtype=None, copy=None):
        raise no_data()

    def __array_function__(self, func, types, args, kwargs):
        raise no_data()

    def _compare(self, other):  # (object's == would give a Python bool and pass for a result)
        raise no_data()

    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __bool__ = _compare
    __hash__ = None

    def __repr__(self):
        return f"MetaArray(shape={self.shape}, dtype={self.dtype})"


def no_data():
    return DeviceError("a tensor on the 'meta' device has a shape and a dtype but no values; move real data to "
                       "'cpu' or 'cuda' to compute with it")
