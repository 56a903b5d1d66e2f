"""ug.linalg.eigh / eigvalsh against torch.linalg: values, the decomposition, the triangle read,
gradients through a symmetric matrix built from other tensors, and bad input."""
import numpy as np
import pytest
import torch

import unigrad as ug
from unigrad.errors import InvalidArgumentError, ShapeError


def _symmetric(n=5, batch=(), seed=0):
    b = np.random.default_rng(seed).standard_normal(batch + (n, n))
    return b + np.swapaxes(b, -1, -2)


def test_eigh_decomposes_a_symmetric_matrix_like_torch():
    a = _symmetric(batch=(3,))
    values, vectors = ug.linalg.eigh(ug.tensor(a))
    want = torch.linalg.eigh(torch.tensor(a))
    np.testing.assert_allclose(values.numpy(), want.eigenvalues.numpy(), rtol=1e-12, atol=1e-12)
    q = vectors.numpy()
    np.testing.assert_allclose(q @ (values.numpy()[..., None] * np.swapaxes(q, -1, -2)), a, atol=1e-12)
    np.testing.assert_allclose(np.abs(q), np.abs(want.eigenvectors.numpy()), atol=1e-10)  # up to each sign
    peaks = np.take_along_axis(q, np.abs(q).argmax(-2)[..., None, :], -2)
    assert (peaks > 0).all()
    np.testing.assert_allclose(ug.linalg.eigvalsh(ug.tensor(a)).numpy(), values.numpy())


@pytest.mark.parametrize("uplo", ["L", "U"])
def test_only_the_named_triangle_is_read(uplo):
    a = _symmetric(4, seed=1)
    scrambled = a.copy()
    other = np.triu_indices(4, 1) if uplo == "L" else np.tril_indices(4, -1)
    scrambled[other] = 99.0
    np.testing.assert_allclose(ug.linalg.eigvalsh(ug.tensor(scrambled), UPLO=uplo).numpy(),
                               torch.linalg.eigvalsh(torch.tensor(scrambled), UPLO=uplo).numpy(), rtol=1e-12)
    x = ug.tensor(scrambled, requires_grad=True)
    ug.linalg.eigh(x, UPLO=uplo)[1].sum().backward()
    assert (x.grad.numpy()[other] == 0).all(), "the unread triangle gets no gradient"


def test_gradients_through_a_symmetric_construction_match_torch():
    b = np.random.default_rng(2).standard_normal((2, 4, 4))
    cot_l, cot_q = np.random.default_rng(3).standard_normal((2, 4)), np.random.default_rng(4).standard_normal((2, 4, 4))
    bu = ug.tensor(b, requires_grad=True)
    values, vectors = ug.linalg.eigh(bu @ bu.mT + ug.eye(4, dtype=ug.float64))
    ((values * ug.tensor(cot_l)).sum() + (vectors.abs() * ug.tensor(cot_q)).sum()).backward()
    bt = torch.tensor(b, requires_grad=True)
    tv, tq = torch.linalg.eigh(bt @ bt.mT + torch.eye(4, dtype=torch.float64))
    ((tv * torch.tensor(cot_l)).sum() + (tq.abs() * torch.tensor(cot_q)).sum()).backward()
    np.testing.assert_allclose(bu.grad.numpy(), bt.grad.numpy(), rtol=1e-9, atol=1e-10)


def test_bad_input_names_the_problem():
    with pytest.raises(ShapeError, match=r"square matrices.*\(2, 3\)"):
        ug.linalg.eigh(ug.zeros(2, 3))
    with pytest.raises(InvalidArgumentError, match="UPLO must be 'L' or 'U'"):
        ug.linalg.eigvalsh(ug.eye(2), UPLO="lower")
