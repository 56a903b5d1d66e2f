"""nn.CTCLoss / F.ctc_loss against torch's: values for every reduction, padded and 1-D targets,
zero_infinity, and gradients with respect to the logits under a log_softmax (how CTC is used);
the per-op conformance test checks the exact gradient with respect to log_probs."""
import numpy as np
import pytest
import torch

import unigrad as ug
from unigrad.errors import InvalidArgumentError, ShapeError

T, N, C = 12, 4, 6
TARGETS = np.array([[1, 2, 2, 3], [4, 4, 0, 0], [5, 1, 3, 0], [2, 0, 0, 0]])  # repeats, padding
TARGET_LENGTHS = np.array([4, 2, 3, 1])
INPUT_LENGTHS = np.array([12, 9, 7, 3])


def _both(logits, targets, reduction, zero_infinity=False, lengths=INPUT_LENGTHS, flat=False, blank=0):
    if flat:
        targets = np.concatenate([targets[i, :n] for i, n in enumerate(TARGET_LENGTHS)])
    x = ug.tensor(logits, requires_grad=True)
    ours = ug.nn.CTCLoss(blank, reduction, zero_infinity)(ug.log_softmax(x, -1), ug.tensor(targets),
                                                          ug.tensor(lengths), ug.tensor(TARGET_LENGTHS))
    tx = torch.tensor(logits, requires_grad=True)
    theirs = torch.nn.CTCLoss(blank, reduction, zero_infinity)(torch.log_softmax(tx, -1), torch.tensor(targets),
                                                               torch.tensor(lengths), torch.tensor(TARGET_LENGTHS))
    weights = np.random.default_rng(1).standard_normal(tuple(ours.shape)).astype(np.float32)
    (ours * ug.tensor(weights)).sum().backward()
    (theirs * torch.tensor(weights)).sum().backward()
    return ours.detach().numpy(), theirs.detach().numpy(), x.grad.numpy(), tx.grad.numpy()


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("flat", [False, True], ids=["padded", "concatenated"])
def test_matches_torch_values_and_logit_gradients(reduction, flat):
    logits = np.random.default_rng(0).standard_normal((T, N, C)).astype(np.float32)
    ours, theirs, grad, t_grad = _both(logits, TARGETS, reduction, flat=flat)
    np.testing.assert_allclose(ours, theirs, rtol=2e-6, atol=1e-6)
    np.testing.assert_allclose(grad, t_grad, rtol=1e-4, atol=1e-6)
    assert np.abs(grad).max() > 1e-3  # not a vacuous zero gradient


def test_zero_infinity_and_impossible_alignments():
    logits = np.random.default_rng(2).standard_normal((T, N, C)).astype(np.float32)
    targets = TARGETS.copy()
    lengths = np.array([12, 9, 2, 3])  # sequence 2: 3 labels in 2 frames, no alignment
    ours, theirs, grad, t_grad = _both(logits, targets, "none", zero_infinity=False, lengths=lengths)
    assert np.isinf(ours[2]) and np.isinf(theirs[2])
    np.testing.assert_allclose(ours[[0, 1, 3]], theirs[[0, 1, 3]], rtol=2e-6)
    ours, theirs, grad, t_grad = _both(logits, targets, "mean", zero_infinity=True, lengths=lengths)
    np.testing.assert_allclose(ours, theirs, rtol=2e-6)
    np.testing.assert_allclose(grad, t_grad, rtol=1e-4, atol=1e-6)
    assert not np.isnan(grad).any() and np.abs(grad[:, 2]).max() == 0


def test_another_blank_index():
    logits = np.random.default_rng(3).standard_normal((T, N, C)).astype(np.float32)
    targets = np.where(TARGETS == 5, 0, TARGETS)  # 5 is the blank here: no target may use it
    ours, theirs, grad, t_grad = _both(logits, targets, "sum", blank=5)
    np.testing.assert_allclose(ours, theirs, rtol=2e-6)
    np.testing.assert_allclose(grad, t_grad, rtol=1e-4, atol=1e-6)


def test_training_on_ctc_learns_the_target():
    ug.manual_seed(0)
    model = ug.nn.Linear(3, C)
    opt = ug.optim.Adam(model.parameters(), lr=0.1)
    features = ug.randn(T, 1, 3)
    first = None
    for _ in range(60):
        opt.zero_grad()
        loss = ug.nn.functional.ctc_loss(ug.log_softmax(model(features), -1), ug.tensor([[1, 2, 3]]), [T], [3])
        loss.backward()
        opt.step()
        first = float(loss) if first is None else first
    assert float(loss) < 0.5 * first


def test_bad_input_says_what_is_wrong():
    lp = ug.log_softmax(ug.randn(5, 2, 4), -1)
    with pytest.raises(ShapeError, match=r"log_probs must be \(T, N, C\)"):
        ug.nn.functional.ctc_loss(ug.randn(5, 4), ug.tensor([[1], [2]]), [5, 5], [1, 1])
    with pytest.raises(ShapeError, match="input_lengths must hold one length per sequence"):
        ug.nn.functional.ctc_loss(lp, ug.tensor([[1], [2]]), [5], [1, 1])
    with pytest.raises(InvalidArgumentError, match=r"input length must lie in \[1, 5\]"):
        ug.nn.functional.ctc_loss(lp, ug.tensor([[1], [2]]), [6, 5], [1, 1])
    with pytest.raises(InvalidArgumentError, match="blank=7 is not a class"):
        ug.nn.functional.ctc_loss(lp, ug.tensor([[1], [2]]), [5, 5], [1, 1], blank=7)
    with pytest.raises(ShapeError, match="1-D targets hold 3 labels but target_lengths add up to 2"):
        ug.nn.functional.ctc_loss(lp, ug.tensor([1, 2, 3]), [5, 5], [1, 1])
