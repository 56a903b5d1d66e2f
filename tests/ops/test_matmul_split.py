"""The split-inner-dimension path of matmul (tiny result, long inner dimension)."""
import numpy as np
import pytest

import unigrad as ug
from unigrad.ops.linalg import matmul as mm


@pytest.mark.parametrize("m,k,n", [(20, 36864, 25), (3, 16384 + 700, 5), (1, 20000, 1)])
def test_split_k_matmul_matches_numpy(m, k, n):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((m, k)).astype(np.float32)
    b = rng.standard_normal((n, k)).astype(np.float32).T  # a transposed view, as in a weight gradient
    assert mm.splits_inner_dim(a.shape, b.shape)
    want = a.astype(np.float64) @ b.astype(np.float64)
    np.testing.assert_allclose(mm.split_k_matmul(a, b), want, rtol=1e-4, atol=1e-3)
    out = np.empty((m, n), np.float32)
    assert mm.split_k_matmul(a, b, out=out) is out
    np.testing.assert_allclose(out, want, rtol=1e-4, atol=1e-3)


def test_long_inner_dim_matmul_and_its_gradient_through_the_op():
    rng = np.random.default_rng(1)
    a = ug.tensor(rng.standard_normal((4, 17000)), requires_grad=True)
    b = ug.tensor(rng.standard_normal((17000, 3)), requires_grad=True)
    out = ug.matmul(a, b)
    np.testing.assert_allclose(out.detach().numpy(), a.detach().numpy() @ b.detach().numpy(), rtol=1e-10)
    out.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), np.ones((4, 3)) @ b.detach().numpy().T, rtol=1e-12)
    assert not mm.splits_inner_dim((64, 17000), (17000, 500))  # large results stay one call
