"""ug.linalg.svd / svdvals / pinv / matrix_rank against torch.linalg (the svd op's values and
gradients, double backward included, are in the registry conformance test)."""
import numpy as np
import pytest
import torch

import unigrad as ug
from unigrad.errors import ShapeError

RNG = np.random.default_rng(0)
TALL, WIDE, BATCH = RNG.standard_normal((5, 3)), RNG.standard_normal((2, 6)), RNG.standard_normal((2, 4, 4))


@pytest.mark.parametrize("a", [TALL, WIDE, BATCH], ids=["tall", "wide", "batched"])
def test_factors_rebuild_a_and_match_torchs_singular_values(a):
    u, s, vh = ug.linalg.svd(ug.tensor(a), full_matrices=False)
    np.testing.assert_allclose(((u * s.unsqueeze(-2)) @ vh).numpy(), a, atol=1e-12)
    np.testing.assert_allclose(s.numpy(), torch.linalg.svdvals(torch.tensor(a)).numpy(), rtol=1e-12)
    np.testing.assert_allclose(ug.linalg.svdvals(ug.tensor(a)).numpy(), s.numpy())
    k = min(a.shape[-2:])
    np.testing.assert_allclose((u.mT @ u).numpy(), np.broadcast_to(np.eye(k), a.shape[:-2] + (k, k)), atol=1e-12)


@pytest.mark.parametrize("a", [TALL, WIDE, BATCH], ids=["tall", "wide", "batched"])
def test_pinv_matches_torch_with_its_gradient(a):
    x, tx = ug.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    ours, theirs = ug.linalg.pinv(x), torch.linalg.pinv(tx)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-10, atol=1e-12)
    w = RNG.standard_normal(tuple(ours.shape))
    (ours * ug.tensor(w)).sum().backward()
    (theirs * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-8, atol=1e-10)


def test_rank_deficient_matrices():
    a = RNG.standard_normal((6, 2)) @ RNG.standard_normal((2, 5))  # rank 2
    assert int(ug.linalg.matrix_rank(ug.tensor(a))) == int(torch.linalg.matrix_rank(torch.tensor(a))) == 2
    assert int(ug.linalg.matrix_rank(ug.tensor(a), atol=1e3)) == 0
    np.testing.assert_allclose(ug.linalg.pinv(ug.tensor(a)).numpy(), torch.linalg.pinv(torch.tensor(a)).numpy(),
                               atol=1e-10)
    batch = np.stack([a[:5], np.eye(5)])
    assert ug.linalg.matrix_rank(ug.tensor(batch)).numpy().tolist() == [2, 5]


def test_full_matrices_is_refused_for_non_square_input_with_the_fix():
    with pytest.raises(ShapeError, match="pass full_matrices=False"):
        ug.linalg.svd(ug.tensor(TALL))
    u, s, vh = ug.linalg.svd(ug.tensor(BATCH))  # square: full and reduced factors agree
    assert tuple(u.shape) == (2, 4, 4)
