"""Tensor.register_post_accumulate_grad_hook, checked against PyTorch's: once per backward, after
the leaf's .grad holds all of the pass's gradient (what data-parallel reduction waits for)."""
import numpy as np
import pytest

import unigrad as ug

torch = pytest.importorskip("torch")


def _run(lib, make):
    w = make(np.array([1.0, 2.0, 3.0]))
    seen = []
    w.register_post_accumulate_grad_hook(lambda p: seen.append(p.grad.detach().numpy().copy()))
    x = make(np.array([0.5, -1.0, 2.0]), grad=False)
    loss = (w * x).sum() + (w * w).sum() + (w.exp() * 0.1).sum()  # w reaches the loss 4 times
    loss.backward()
    loss2 = (w * 3.0).sum()
    loss2.backward()  # accumulates: the hook sees the running total
    return seen


def test_the_hook_sees_the_complete_gradient_once_per_backward_as_torch():
    ours = _run(ug, lambda a, grad=True: ug.tensor(a, requires_grad=grad))
    theirs = _run(torch, lambda a, grad=True: torch.tensor(a, requires_grad=grad))
    assert len(ours) == len(theirs) == 2
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_a_leaf_the_backward_does_not_reach_is_not_called():
    used, unused = ug.ones(2, requires_grad=True), ug.ones(2, requires_grad=True)
    calls = []
    unused.register_post_accumulate_grad_hook(lambda p: calls.append("unused"))
    used.register_post_accumulate_grad_hook(lambda p: calls.append("used"))
    (used * 2).sum().backward()
    assert calls == ["used"]


def test_autograd_grad_does_not_call_it():
    w = ug.ones(2, requires_grad=True)
    calls = []
    w.register_post_accumulate_grad_hook(lambda p: calls.append(1))
    (g,) = ug.autograd.grad((w * w).sum(), [w])
    np.testing.assert_array_equal(g.numpy(), [2.0, 2.0])
    assert calls == [] and w.grad is None


def test_only_leaves_that_require_grad_take_one():
    w = ug.ones(2, requires_grad=True)
    with pytest.raises(ug.errors.AutogradError, match="leaf tensors that require grad"):
        (w * 2).register_post_accumulate_grad_hook(lambda p: None)
    with pytest.raises(ug.errors.AutogradError, match="leaf tensors that require grad"):
        ug.ones(2).register_post_accumulate_grad_hook(lambda p: None)
