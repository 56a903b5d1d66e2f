"""cross_entropy over logits larger than one row block (softmax_rows' blocked path): the loss and
its gradient against PyTorch, with a partial last block, ignored rows and a negative gradient."""
import numpy as np
import pytest
import torch

import unigrad as ug
from unigrad.ops.loss import softmax_rows


@pytest.fixture
def small_blocks(monkeypatch):
    monkeypatch.setattr(softmax_rows, "BLOCK_ELEMENTS", 3 * 1000)  # 3 rows of 1,000 classes per block


def _logits_and_targets(rows=11, classes=1000, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((rows, classes)) * 4).astype(np.float32), rng.integers(0, classes, rows)


def test_blocks_cover_every_row_once(small_blocks):
    x, _ = _logits_and_targets()
    blocks = softmax_rows._row_blocks(np, x)
    assert [(b.start, b.stop) for b in blocks] == [(0, 3), (3, 6), (6, 9), (9, 11)]
    assert softmax_rows._row_blocks(np, np.zeros((0, 5), np.float32)) == []


@pytest.mark.parametrize("ignored, g", [(False, 1.0), (True, 1.0), (False, -0.5)])
def test_blocked_cross_entropy_matches_torch(small_blocks, ignored, g):
    x, target = _logits_and_targets()
    if ignored:
        target[[2, 7]] = -100
    xu = ug.tensor(x, requires_grad=True)
    loss = ug.nn.functional.cross_entropy(xu, ug.tensor(target))
    (loss * g).backward()
    xt = torch.tensor(x, requires_grad=True)
    want = torch.nn.functional.cross_entropy(xt, torch.tensor(target))
    (want * g).backward()
    np.testing.assert_allclose(loss.item(), want.item(), rtol=1e-6)
    np.testing.assert_allclose(xu.grad.numpy(), xt.grad.numpy(), rtol=1e-5, atol=1e-9)


def test_log_sum_exp_and_softmax_rows_match_float64(small_blocks):
    x, _ = _logits_and_targets(rows=8, classes=1000, seed=1)
    x64 = x.astype(np.float64)
    lse64 = np.log(np.exp(x64 - x64.max(1, keepdims=True)).sum(1)) + x64.max(1)
    softmax64 = np.exp(x64 - lse64[:, None])
    lse, soft = softmax_rows.log_sum_exp_rows(np, x, np.float32(0.25))
    np.testing.assert_allclose(lse, lse64, rtol=1e-6)
    np.testing.assert_allclose(soft, 0.25 * softmax64, rtol=1e-5, atol=1e-12)
    row_scale = np.arange(8, dtype=np.float32)[:, None] - 3
    np.testing.assert_allclose(softmax_rows.softmax_from_lse(np, x, lse, row_scale), row_scale * softmax64,
                               rtol=1e-5, atol=1e-12)
    np.testing.assert_allclose(softmax_rows.softmax_from_lse(np, x, lse, np.float32(2.0)), 2 * softmax64,
                               rtol=1e-5, atol=1e-12)
