import numpy as np
import pytest
import torch

import unigrad as ug


def test_cond_picks_branch_at_run_time_in_compiled_graph():
    @ug.jit
    def f(x, t):
        return ug.cond(t > 0, lambda v: v * 2, lambda v: v - 1, x)
    x = ug.ones(3)
    assert f(x, ug.tensor(1.0)).tolist() == [2, 2, 2]
    assert f(x, ug.tensor(-1.0)).tolist() == [0, 0, 0]
    assert len(f.cache) == 1  # one graph serves both paths


def test_cond_reads_outer_values_as_inputs_and_is_differentiable():
    def loss(w, x, t):
        h = (x @ w).tanh()
        out = ug.cond(t.sum() > 0, lambda v: (v * h).sum(), lambda v: (v.exp() + h).sum(), x @ w)
        return out
    rng = np.random.default_rng(0)
    w0, x0 = rng.standard_normal((3, 2)), rng.standard_normal((4, 3))

    def grad_step(w, x, t):
        w = w.detach().requires_grad_(True)
        (g,) = ug.autograd.grad(loss(w, x, t), w)
        return g
    compiled = ug.jit(grad_step)
    for sign in (1.0, -1.0):
        t = ug.tensor([sign], dtype=ug.float64)
        got = compiled(ug.tensor(w0), ug.tensor(x0), t).numpy()
        tw = torch.tensor(w0, requires_grad=True)
        tx = torch.tensor(x0)
        y = tx @ tw
        h = y.tanh()
        (y * h).sum().backward() if sign > 0 else (y.exp() + h).sum().backward()
        np.testing.assert_allclose(got, tw.grad.numpy(), rtol=1e-10)


def test_cond_branches_must_agree():
    @ug.jit
    def f(x):
        return ug.cond(x.sum() > 0, lambda v: v, lambda v: v.sum(), x)
    with pytest.raises(ug.ShapeError, match="different shapes"):
        f(ug.ones(3))


def test_while_loop_runs_to_a_data_dependent_count():
    @ug.jit
    def doublings(x):
        return ug.while_loop(lambda v, n: v.sum() < 100.0, lambda v, n: (v * 2.0, n + 1.0), (x, ug.zeros(())))
    v, n = doublings(ug.ones(2))
    assert n.item() == 6 and v.tolist() == [64.0, 64.0]
    v, n = doublings(ug.full((2,), 30.0))
    assert n.item() == 1 and v.tolist() == [60.0, 60.0]


def test_eager_control_flow_is_python():
    assert ug.cond(ug.tensor(True), lambda: ug.ones(1), lambda: ug.zeros(1)).item() == 1.0
    assert ug.while_loop(lambda i: i < 5, lambda i: i + 1, (ug.tensor(0),)).item() == 5


def test_a_loop_body_may_read_its_initial_value_from_outside():
    """The body adds x, which is also the loop's initial value: compiled, the body must add the
    outer x each iteration, not the loop variable (the branch traces stand-ins for its operands)."""
    ug.manual_seed(0)
    w, x = ug.randn(3, 3) * 0.3, ug.randn(2, 3)

    def f(x, n):
        return ug.while_loop(lambda i, y: i < n, lambda i, y: (i + 1, ug.tanh(y @ w) + x),
                             (ug.zeros((), dtype=ug.int64), x))[1]
    expected = x.numpy()
    for _ in range(4):
        expected = np.tanh(expected @ w.numpy()) + x.numpy()
    np.testing.assert_allclose(ug.jit(f)(x, ug.tensor(4)).numpy(), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(f(x, ug.tensor(4)).numpy(), expected, rtol=1e-5, atol=1e-6)


def test_a_cond_branch_may_read_its_operand_from_outside():
    x = ug.tensor([1.0, 2.0])
    f = ug.jit(lambda x: ug.cond(x.sum() > 0, lambda y: y * 2 + x, lambda y: y - x, x))
    np.testing.assert_allclose(f(x).numpy(), [3.0, 6.0])
