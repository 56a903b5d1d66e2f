"""y <- alpha*x + beta*y in one pass, through the BLAS NumPy already ships with (cblas_?axpby).

NumPy has no fused scaled add: `y *= beta; y += alpha * x` makes three passes over memory and
allocates a temporary, single-threaded. Optimizer updates (SGD momentum, the weight step) are
exactly this operation over every parameter, so they run as BLAS axpby, which makes one pass
and splits large vectors over the BLAS threads. The library is found with threadpoolctl (the
same one blas_threads.py controls) and called through ctypes; where it or the symbol is not
there (another BLAS, an unusual build), `axpby` returns False and callers use NumPy.
"""
import ctypes

import numpy

from .blas_threads import _blas

MIN_SIZE = 4096  # below this the ctypes call costs more than the NumPy passes it saves

_routines = None  # dtype -> C function, filled on first use; {} when unavailable


def _load():
    global _routines
    _routines = {}
    for lib in _blas():
        try:
            handle = ctypes.CDLL(lib.filepath)
        except OSError:
            continue
        for prefix, suffix, index in (("scipy_", "64_", ctypes.c_int64), ("", "64_", ctypes.c_int64),
                                      ("scipy_", "", ctypes.c_int32), ("", "", ctypes.c_int32)):
            found = {}
            for dtype, scalar, letter in ((numpy.float32, ctypes.c_float, "s"), (numpy.float64, ctypes.c_double, "d")):
                fn = getattr(handle, f"{prefix}cblas_{letter}axpby{suffix}", None)
                if fn is None:
                    break
                # (n, alpha, x, incx, beta, y, incy)
                fn.argtypes = [index, scalar, ctypes.c_void_p, index, scalar, ctypes.c_void_p, index]
                fn.restype = None
                found[numpy.dtype(dtype)] = fn
            if len(found) == 2:
                _routines = found
                return


def axpby(alpha, x, beta, y):
    """y <- alpha*x + beta*y in place; True when done by BLAS, False when the caller must do it
    (not NumPy arrays, different shapes, dtypes or layouts, small, or no BLAS routine)."""
    if _routines is None:
        _load()
    fn = _routines.get(y.dtype) if type(y) is numpy.ndarray and type(x) is numpy.ndarray else None
    if (fn is None or x.dtype != y.dtype or x.shape != y.shape or y.size < MIN_SIZE
            or not (x.flags.c_contiguous and y.flags.c_contiguous and y.flags.writeable)):
        return False
    fn(y.size, alpha, x.ctypes.data, 1, beta, y.ctypes.data, 1)
    return True


def scaled_add_(y, x, alpha, beta):
    """y <- alpha*x + beta*y in place for arrays of any backend (BLAS where it applies), or for
    Tensors while a training step is traced (alpha may then be a tensor)."""
    if axpby(alpha, x, beta, y):
        return y
    if not _is_number(beta, 1):
        y *= beta
    if _is_number(alpha, 1):
        y += x
    elif _is_number(alpha, -1):
        y -= x
    else:
        y += alpha * x
    return y


def _is_number(value, number):
    """value == number for Python numbers; False for tensors (a learning rate read live)."""
    return isinstance(value, (int, float)) and value == number
