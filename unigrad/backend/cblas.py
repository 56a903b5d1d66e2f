"""Two BLAS routines NumPy does not expose, called in the OpenBLAS NumPy itself ships with.

- `axpby`: y <- alpha*x + beta*y in one pass. NumPy has no fused scaled add: `y *= beta;
  y += alpha * x` makes three single-threaded passes and a temporary. Optimizer updates (SGD
  momentum, the weight step) are exactly this over every parameter, so they run as BLAS axpby,
  which makes one pass and splits large vectors over the BLAS threads.
- `gemm` with beta = 1: `linear`'s x @ W.T + b as one GEMM accumulating into a result that
  holds the broadcast bias (a cheap write) instead of a GEMM and then a broadcasting add over
  the result (a read-modify-write that NumPy runs slowly for a row vector).
The library is found with threadpoolctl (the one blas_threads.py controls) and called through
ctypes (which releases the GIL); where it or a symbol is not there (another BLAS, an unusual
build) the functions return False and callers use NumPy.
"""
import ctypes

import numpy

from .blas_threads import _blas

MIN_SIZE = 4096  # below this the ctypes call costs more than the NumPy passes it saves
# smaller linear results (batch 1, ten classes) are faster through NumPy's matmul (GEMV) and add
MIN_LINEAR_OUTPUT = 16384

_routines = None  # (routine name, dtype) -> C function, filled on first use; {} when unavailable


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
                axpby = getattr(handle, f"{prefix}cblas_{letter}axpby{suffix}", None)
                gemm = getattr(handle, f"{prefix}cblas_{letter}gemm{suffix}", None)
                if axpby is None or gemm is None:
                    break
                # (n, alpha, x, incx, beta, y, incy)
                axpby.argtypes = [index, scalar, ctypes.c_void_p, index, scalar, ctypes.c_void_p, index]
                axpby.restype = None
                # (order, trans a, trans b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
                gemm.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int, index, index, index, scalar,
                                 ctypes.c_void_p, index, ctypes.c_void_p, index, scalar, ctypes.c_void_p, index]
                gemm.restype = None
                found[("axpby", numpy.dtype(dtype))] = axpby
                found[("gemm", numpy.dtype(dtype))] = gemm
            if len(found) == 4:
                _routines = found
                return


_ROW_MAJOR, _NO_TRANS, _TRANS = 101, 111, 112


def axpby(alpha, x, beta, y):
    """y <- alpha*x + beta*y in place; True when done by BLAS, False when the caller must do it
    (not NumPy arrays, different shapes, dtypes or layouts, small, or no BLAS routine)."""
    if _routines is None:
        _load()
    fn = _routines.get(("axpby", y.dtype)) if type(y) is numpy.ndarray and type(x) is numpy.ndarray else None
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


def linear_into(x, w, b, out):
    """out <- x @ w.T + b for 2-d C-contiguous NumPy arrays of one dtype (b of shape (n,)), as one
    GEMM over `out` filled with b. True when done, False when the caller must do it."""
    if _routines is None:
        _load()
    fn = _routines.get(("gemm", out.dtype)) if type(out) is numpy.ndarray else None
    if (fn is None or type(x) is not numpy.ndarray or type(w) is not numpy.ndarray or type(b) is not numpy.ndarray
            or x.ndim != 2 or w.ndim != 2 or x.dtype != out.dtype or w.dtype != out.dtype or b.dtype != out.dtype
            or not (x.flags.c_contiguous and w.flags.c_contiguous and out.flags.c_contiguous)
            or out.shape != (x.shape[0], w.shape[0]) or x.shape[1] != w.shape[1] or b.shape != (w.shape[0],)
            or not out.flags.writeable or x.shape[1] == 0 or out.size < MIN_LINEAR_OUTPUT
            or numpy.may_share_memory(out, x) or numpy.may_share_memory(out, w)):
        return False
    m, k = x.shape
    n = w.shape[0]
    out[...] = b
    fn(_ROW_MAJOR, _NO_TRANS, _TRANS, m, n, k, 1.0, x.ctypes.data, k, w.ctypes.data, k, 1.0, out.ctypes.data, n)
    return True
