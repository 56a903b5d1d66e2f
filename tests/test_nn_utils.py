"""ug.nn.utils against torch.nn.utils: gradient clipping, parameters as a vector."""
import numpy as np
import pytest
import torch

import unigrad as ug


def _pair(seed, scale):
    rng = np.random.default_rng(seed)
    grads = [rng.standard_normal(s).astype(np.float32) * scale for s in ((4, 3), (3,), (2, 2, 2))]
    ours, theirs = [], []
    for g in grads:
        p, q = ug.nn.Parameter(ug.zeros(*g.shape)), torch.nn.Parameter(torch.zeros(g.shape))
        p.grad, q.grad = ug.tensor(g.copy()), torch.tensor(g.copy())
        ours.append(p)
        theirs.append(q)
    return ours, theirs


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, float("inf")])
@pytest.mark.parametrize("scale", [0.01, 10.0])  # below and above max_norm
def test_clip_grad_norm_matches_torch(norm_type, scale):
    ours, theirs = _pair(0, scale)
    total = ug.nn.utils.clip_grad_norm_(ours, max_norm=1.0, norm_type=norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs, max_norm=1.0, norm_type=norm_type)
    assert total.item() == pytest.approx(expected.item(), rel=1e-5)
    for p, q in zip(ours, theirs):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-5, atol=1e-7)


def test_clip_grad_value_matches_torch():
    ours, theirs = _pair(1, 3.0)
    ug.nn.utils.clip_grad_value_(ours, 0.5)
    torch.nn.utils.clip_grad_value_(theirs, 0.5)
    for p, q in zip(ours, theirs):
        np.testing.assert_array_equal(p.grad.numpy(), q.grad.numpy())


def test_nonfinite_norm_is_an_error_when_asked():
    ours, _ = _pair(2, 1.0)
    ours[0].grad = ug.tensor(np.full((4, 3), np.inf, dtype=np.float32))
    with pytest.raises(ug.InvalidArgumentError, match="non-finite"):
        ug.nn.utils.clip_grad_norm_(ours, 1.0, error_if_nonfinite=True)


def test_clipping_inside_a_compiled_step_stays_one_graph():
    import warnings

    def setup():
        ug.manual_seed(0)
        m = ug.nn.Sequential(ug.nn.Linear(5, 4), ug.nn.Tanh(), ug.nn.Linear(4, 2))
        return m, ug.optim.SGD(m.parameters(), lr=0.5)

    def make_step(m, opt):
        def step(x, y):
            loss = ug.nn.functional.mse_loss(m(x), y)
            opt.zero_grad()
            loss.backward()
            ug.nn.utils.clip_grad_norm_(m.parameters(), 0.1)
            opt.step()
            return loss
        return step
    (m1, o1), (m2, o2) = setup(), setup()
    eager, compiled = make_step(m1, o1), ug.jit(make_step(m2, o2))
    rng = np.random.default_rng(3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no fallback to eager
        for _ in range(4):
            x, y = (ug.tensor(rng.standard_normal(s).astype(np.float32) * 5) for s in ((8, 5), (8, 2)))
            assert compiled(x, y).item() == pytest.approx(eager(x, y).item(), rel=1e-5)
    for p, q in zip(m1.parameters(), m2.parameters()):
        np.testing.assert_allclose(q.detach().numpy(), p.detach().numpy(), rtol=1e-5, atol=1e-7)
    assert compiled.eager_reason is None


def test_parameters_to_vector_and_back():
    m = ug.nn.Linear(3, 2)
    vec = ug.nn.utils.parameters_to_vector(m.parameters())
    assert tuple(vec.shape) == (8,)
    ug.nn.utils.vector_to_parameters(ug.arange(8, dtype=ug.float32), m.parameters())
    np.testing.assert_array_equal(m.weight.detach().numpy().ravel(), np.arange(6, dtype=np.float32))
    np.testing.assert_array_equal(m.bias.detach().numpy(), [6.0, 7.0])
    with pytest.raises(ug.ShapeError, match="need"):
        ug.nn.utils.vector_to_parameters(ug.zeros(5), m.parameters())
