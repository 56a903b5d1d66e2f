"""ug.linalg.svd / svdvals / pinv / matrix_rank against torch.linalg (the svd op's values and
gradients, double backward included, are in the registry conformance test)."""
import numpy as np
import pytest
import torch

import unigrad as ug

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


@pytest.mark.parametrize("a", [TALL, WIDE, BATCH[:, :, :3]], ids=["tall", "wide", "batched"])
def test_full_matrices_completes_the_bases_and_its_gradient_is_torchs(a):
    """U (m, m) and Vh (n, n) orthogonal, their leading k columns/rows the reduced factors; the
    completion (not unique beyond a sign, so not compared entry by entry) carries no gradient."""
    m, n = a.shape[-2:]
    k = min(m, n)
    x = ug.tensor(a, requires_grad=True)
    u, s, vh = ug.linalg.svd(x)  # torch's default: full_matrices=True
    assert tuple(u.shape[-2:]) == (m, m) and tuple(vh.shape[-2:]) == (n, n)
    for q, size in ((u, m), (vh, n)):
        np.testing.assert_allclose((q.mT @ q).detach().numpy(), np.broadcast_to(np.eye(size), q.shape), atol=1e-12)
    ru, rs, rvh = ug.linalg.svd(ug.tensor(a), full_matrices=False)
    np.testing.assert_allclose(u[..., :k].detach().numpy(), ru.numpy(), atol=1e-12)
    np.testing.assert_allclose(vh[..., :k, :].detach().numpy(), rvh.numpy(), atol=1e-12)
    wu, wvh = RNG.standard_normal(tuple(u.shape)), RNG.standard_normal(tuple(vh.shape))
    ((u * ug.tensor(wu)).sum() + (vh * ug.tensor(wvh)).sum() + s.sum()).backward()
    tx = torch.tensor(a, requires_grad=True)
    tu, ts, tvh = torch.linalg.svd(tx)
    sign = torch.sign(tu[..., :k].gather(-2, tu[..., :k].abs().argmax(-2, keepdim=True)))
    tu_k, tvh_k = tu[..., :k] * sign, tvh[..., :k, :] * sign.mT  # the reduced pairs, our signs
    ((tu_k * torch.tensor(wu[..., :k])).sum() + (tvh_k * torch.tensor(wvh[..., :k, :])).sum() + ts.sum()).backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-8, atol=1e-10)


def test_square_input_full_and_reduced_factors_agree():
    u, s, vh = ug.linalg.svd(ug.tensor(BATCH))
    assert tuple(u.shape) == (2, 4, 4)
