"""sum_to's BLAS path (ones @ x for leading axes summed away, from GEMV_MIN_SIZE elements): the
same values as a float64 sum, for the shapes a bias gradient takes, and NumPy's path otherwise."""
import numpy as np
import pytest
import torch

import unigrad as ug
from unigrad.ops.movement import broadcast_to


def _sum_to(x, shape):
    return broadcast_to._sum_to_forward(np, x, shape)


@pytest.mark.parametrize("x_shape, shape", [((35, 20, 3000), (3000,)), ((700, 200), (200,)),
                                            ((64, 32, 40), (32, 40)), ((300, 300), ())])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_large_leading_sums_match_float64(x_shape, shape, dtype):
    x = np.random.default_rng(0).standard_normal(x_shape).astype(dtype)
    assert x.size >= broadcast_to.GEMV_MIN_SIZE
    got = _sum_to(x, shape)
    want = x.astype(np.float64).reshape((-1,) + shape).sum(axis=0)
    assert got.shape == shape and got.dtype == dtype
    np.testing.assert_allclose(got, want, rtol=1e-5 if dtype == np.float32 else 1e-12,
                               atol=3e-4 if dtype == np.float32 else 1e-10)


def test_non_contiguous_and_small_inputs_take_numpys_sum():
    x = np.random.default_rng(1).standard_normal((400, 600)).astype(np.float32)
    np.testing.assert_allclose(_sum_to(x.T, (400,)), x.T.sum(axis=0), rtol=1e-6)  # transposed: not C-contiguous
    small = x[:3, :5].copy()
    np.testing.assert_array_equal(_sum_to(small, (5,)), small.sum(axis=0))
    ints = np.arange(200 * 400).reshape(200, 400)
    np.testing.assert_array_equal(_sum_to(ints, (400,)), ints.sum(axis=0))  # not a float: no BLAS


def test_a_language_models_bias_gradient_matches_torch():
    rng = np.random.default_rng(2)
    x, w, b = (rng.standard_normal(s).astype(np.float32) for s in ((35, 20, 64), (3000, 64), (3000,)))
    g = rng.standard_normal((35, 20, 3000)).astype(np.float32)
    bu = ug.tensor(b, requires_grad=True)
    ug.nn.functional.linear(ug.tensor(x), ug.tensor(w), bu).backward(ug.tensor(g))
    bt = torch.tensor(b, requires_grad=True)
    torch.nn.functional.linear(torch.tensor(x), torch.tensor(w), bt).backward(torch.tensor(g))
    np.testing.assert_allclose(bu.grad.numpy(), bt.grad.numpy(), rtol=1e-5, atol=1e-4)
