"""ug.linalg.qr's modes against torch.linalg.qr (the op's values and gradients are in the registry
conformance test)."""
import numpy as np
import pytest
import torch

import unigrad as ug
from unigrad.errors import InvalidArgumentError, ShapeError


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (2, 4, 4)], ids=["tall", "wide", "batched"])
def test_factors_match_torch_and_rebuild_a(shape):
    a = np.random.default_rng(0).standard_normal(shape)
    q, r = ug.linalg.qr(ug.tensor(a))
    tq, tr = torch.linalg.qr(torch.tensor(a))
    np.testing.assert_allclose(q.numpy(), tq.numpy(), atol=1e-12)
    np.testing.assert_allclose(r.numpy(), tr.numpy(), atol=1e-12)
    np.testing.assert_allclose((q @ r).numpy(), a, atol=1e-12)
    np.testing.assert_array_equal(np.tril(r.numpy(), -1), 0)


def test_modes():
    a = np.random.default_rng(1).standard_normal((3, 5))
    q, r = ug.linalg.qr(ug.tensor(a), mode="r")
    assert tuple(q.shape) == tuple(torch.linalg.qr(torch.tensor(a), mode="r")[0].shape) == (0,)
    np.testing.assert_allclose(r.numpy(), torch.linalg.qr(torch.tensor(a), mode="r")[1].numpy(), atol=1e-12)
    q, r = ug.linalg.qr(ug.tensor(a), mode="complete")  # m <= n: the complete and reduced factors agree
    np.testing.assert_allclose(q.numpy(), torch.linalg.qr(torch.tensor(a), mode="complete")[0].numpy(), atol=1e-12)
    with pytest.raises(ShapeError, match="use mode='reduced'"):
        ug.linalg.qr(ug.tensor(a.T), mode="complete")
    with pytest.raises(InvalidArgumentError, match="mode must be"):
        ug.linalg.qr(ug.tensor(a), mode="full")
