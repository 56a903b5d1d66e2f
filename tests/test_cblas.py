"""cblas: y <- alpha*x + beta*y through NumPy's BLAS, and its NumPy fallback."""
import numpy as np
import pytest

from unigrad.backend import cblas


def _pair(dtype, n=10000, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(n).astype(dtype), rng.standard_normal(n).astype(dtype)


def test_numpy_ships_the_routines_on_this_machine():
    # NumPy's wheels bundle OpenBLAS with cblas_?axpby; when that changes, the fallback still works,
    # but the optimizer updates lose their single pass: this test says so
    cblas._load()
    assert set(cblas._routines) == {(name, np.dtype(t)) for name in ("axpby", "gemm") for t in (np.float32, np.float64)}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("alpha,beta", [(1.0, 0.9), (-0.01, 1.0), (2.5, -0.5), (0.0, 1.0)])
def test_axpby_matches_numpy(dtype, alpha, beta):
    x, y = _pair(dtype)
    expected = alpha * x.astype(np.float64) + beta * y.astype(np.float64)
    out = y.copy()
    assert cblas.axpby(alpha, x, beta, out)
    np.testing.assert_allclose(out, expected, rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-6)


def test_axpby_declines_what_it_cannot_do_and_scaled_add_falls_back():
    x, y = _pair(np.float32)
    cases = [
        (x[::2], y[::2].copy()),                     # strided x
        (x[:100], y[:100].copy()),                   # small
        (x.astype(np.float64), y.copy()),            # mixed dtypes
        (x.reshape(100, 100), y.copy()),             # shapes differ
        (x.astype(np.int64), y.astype(np.int64)),    # not floating
    ]
    for a, b in cases:
        before = b.copy()
        assert not cblas.axpby(0.5, a, 2.0, b)
        np.testing.assert_array_equal(b, before)     # untouched when declined
    read_only = y.copy()
    read_only.flags.writeable = False
    assert not cblas.axpby(0.5, x, 2.0, read_only)
    strided = y.copy()[::2]
    expected = 0.5 * x[::2] + 2.0 * strided
    cblas.scaled_add_(strided, x[::2], 0.5, 2.0)
    np.testing.assert_allclose(strided, expected, rtol=1e-6)


def test_x_aliasing_y_is_fine():
    _, y = _pair(np.float32)
    expected = 3.0 * y
    assert cblas.axpby(1.0, y, 2.0, y)
    np.testing.assert_allclose(y, expected, rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_linear_into_matches_numpy_and_declines_the_rest(dtype):
    rng = np.random.default_rng(1)
    x, w, b = (rng.standard_normal(s).astype(dtype) for s in ((128, 300), (200, 300), (200,)))
    out = np.empty((128, 200), dtype)
    assert cblas.linear_into(x, w, b, out)
    np.testing.assert_allclose(out, x.astype(np.float64) @ w.T.astype(np.float64) + b,
                               rtol=1e-4 if dtype == np.float32 else 1e-10, atol=1e-4 if dtype == np.float32 else 1e-10)
    small = np.empty((1, 200), dtype)
    assert not cblas.linear_into(x[:1], w, b, small)          # batch 1: NumPy's GEMV is faster
    assert not cblas.linear_into(np.asfortranarray(x), w, b, out)  # layouts it does not take
    assert not cblas.linear_into(x, w, b.astype(np.float16), out)
