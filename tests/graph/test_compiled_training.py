import numpy as np
import pytest

import unigrad as ug

from .helpers import train_step


def _setup(opt_name, **kw):
    ug.manual_seed(0)
    m = ug.nn.Sequential(ug.nn.Linear(6, 8), ug.nn.Tanh(), ug.nn.Linear(8, 3))
    opt = getattr(ug.optim, opt_name)(m.parameters(), **kw)
    return m, opt


@pytest.mark.parametrize("opt_name,kw", [("SGD", dict(lr=0.1, momentum=0.9, weight_decay=1e-3)),
                                         ("Adam", dict(lr=0.01)), ("AdamW", dict(lr=0.01, amsgrad=True)),
                                         ("RMSprop", dict(lr=0.01, momentum=0.5)), ("Adagrad", dict(lr=0.1))])
def test_compiled_training_step_matches_eager(opt_name, kw):
    rng = np.random.default_rng(1)
    batches = [(ug.tensor(rng.standard_normal((4, 6)).astype(np.float32)),
                ug.tensor(rng.integers(0, 3, 4))) for _ in range(6)]
    eager_m, eager_opt = _setup(opt_name, **kw)
    comp_m, comp_opt = _setup(opt_name, **kw)

    eager_step = train_step(eager_m, eager_opt)
    compiled = ug.jit(train_step(comp_m, comp_opt))
    for x, y in batches:
        a = eager_step(x, y).item()
        b = compiled(x, y).item()
        assert b == pytest.approx(a, rel=1e-5, abs=1e-6)
    for p, q in zip(eager_m.parameters(), comp_m.parameters()):
        np.testing.assert_allclose(q.detach().numpy(), p.detach().numpy(), rtol=1e-4, atol=1e-6)
    assert len(compiled.cache) == 1


def test_compiled_step_updates_batchnorm_statistics():
    m = ug.nn.Sequential(ug.nn.Linear(3, 4), ug.nn.BatchNorm1d(4))
    twin = ug.nn.Sequential(ug.nn.Linear(3, 4), ug.nn.BatchNorm1d(4))
    twin.load_state_dict(m.state_dict())
    fwd = ug.jit(lambda x: m(x))
    for seed in range(3):
        ug.manual_seed(seed)
        x = ug.randn(8, 3)
        fwd(x)
        twin(x)
    np.testing.assert_allclose(m[1].running_mean.numpy(), twin[1].running_mean.numpy(), rtol=1e-6)
    np.testing.assert_allclose(m[1].running_var.numpy(), twin[1].running_var.numpy(), rtol=1e-6)


def _batches(n, rows=4, seed=1):
    rng = np.random.default_rng(seed)
    return [(ug.tensor(rng.standard_normal((rows, 6)).astype(np.float32)), ug.tensor(rng.integers(0, 3, rows)))
            for _ in range(n)]


def _assert_grads_equal(m1, m2):
    for p, q in zip(m1.parameters(), m2.parameters()):
        assert q.grad is not None and not q.grad.requires_grad
        np.testing.assert_allclose(q.grad.numpy(), p.grad.numpy(), rtol=1e-5, atol=1e-7)


def test_grad_is_current_after_each_compiled_step():
    """After a compiled step p.grad holds this step's gradient (it held the trace's before)."""
    eager_m, eager_opt = _setup("SGD", lr=0.1, momentum=0.9)
    comp_m, comp_opt = _setup("SGD", lr=0.1, momentum=0.9)
    eager, compiled = train_step(eager_m, eager_opt), ug.jit(train_step(comp_m, comp_opt))
    held = []
    for x, y in _batches(4):
        eager(x, y)
        compiled(x, y)
        _assert_grads_equal(eager_m, comp_m)
        held.append(comp_m[0].weight.grad)
    # each step's gradient is a new tensor, as in eager: one kept from an earlier step keeps its values
    assert len({id(g) for g in held}) == len(held)
    assert not np.array_equal(held[0].numpy(), held[-1].numpy())


@pytest.mark.parametrize("set_to_none", [True, False])
def test_compiled_gradient_accumulation(set_to_none):
    """Two backward passes per zero_grad accumulate into .grad, compiled as eagerly."""
    def accumulate(model, opt):
        def step(x, y):
            opt.zero_grad(set_to_none=set_to_none)
            for half in (slice(0, 2), slice(2, 4)):
                ug.nn.functional.cross_entropy(model(x[half]), y[half]).backward()
            opt.step()
        return step
    eager_m, eager_opt = _setup("SGD", lr=0.1)
    comp_m, comp_opt = _setup("SGD", lr=0.1)
    for m in (eager_m, comp_m):  # grads exist before the trace, so zero_grad(False) has memory to zero
        for p in m.parameters():
            p.grad = ug.ones_like(p)
    eager, compiled = accumulate(eager_m, eager_opt), ug.jit(accumulate(comp_m, comp_opt))
    for x, y in _batches(3):
        eager(x, y)
        compiled(x, y)
        _assert_grads_equal(eager_m, comp_m)
        for p, q in zip(eager_m.parameters(), comp_m.parameters()):
            np.testing.assert_allclose(q.detach().numpy(), p.detach().numpy(), rtol=1e-5, atol=1e-7)


def test_compiled_step_without_zero_grad_keeps_accumulating():
    eager_m, _ = _setup("SGD", lr=0.1)
    comp_m, _ = _setup("SGD", lr=0.1)

    def backward_only(model):
        return lambda x, y: ug.nn.functional.cross_entropy(model(x), y).backward()
    eager, compiled = backward_only(eager_m), ug.jit(backward_only(comp_m))
    for x, y in _batches(3):
        eager(x, y)
        compiled(x, y)
    _assert_grads_equal(eager_m, comp_m)


def test_input_grad_is_bound_to_the_call_s_input():
    w = ug.tensor(np.array([1.0, -2.0, 3.0], dtype=np.float32), requires_grad=True)

    def f(x):
        (x * w).sum().backward()
    compiled = ug.jit(f)
    for scale in (1.0, 2.0):
        x = ug.tensor(np.full(3, scale, dtype=np.float32), requires_grad=True)
        w.grad = None
        compiled(x)
        np.testing.assert_array_equal(x.grad.numpy(), w.detach().numpy())
        np.testing.assert_array_equal(w.grad.numpy(), x.detach().numpy())


def test_constant_outputs_are_returned_as_copies():
    compiled = ug.jit(lambda x: (x * 2, ug.ones(3)))
    x = ug.randn(3)
    _, first = compiled(x)
    first.numpy()[...] = 7
    _, second = compiled(x)
    np.testing.assert_array_equal(second.numpy(), np.ones(3, dtype=np.float32))


def test_dynamic_batch_step_binds_grads_at_every_batch_size():
    eager_m, eager_opt = _setup("SGD", lr=0.1, momentum=0.9)
    comp_m, comp_opt = _setup("SGD", lr=0.1, momentum=0.9)
    (x, y), = _batches(1)
    compiled = ug.jit.trace(train_step(comp_m, comp_opt), (x, y), dynamic_batch=True)
    eager_step = train_step(eager_m, eager_opt)
    eager_step(x, y)
    _assert_grads_equal(eager_m, comp_m)  # the extra traces' gradients were put back
    for x, y in _batches(2, rows=7, seed=5):
        eager_step(x, y)
        compiled(x, y)
        _assert_grads_equal(eager_m, comp_m)


def test_compiled_function_reads_the_current_grad():
    """A compiled function over p.grad (a gradient norm) sees the gradient of the moment, though
    eager backward passes bind a new .grad tensor each step."""
    m, opt = _setup("SGD", lr=0.1)

    def grad_norm(scale):
        return sum((p.grad * p.grad).sum() for p in m.parameters()) * scale
    compiled = ug.jit(grad_norm)
    one = ug.tensor(np.float32(1))
    for x, y in _batches(3):
        opt.zero_grad()
        ug.nn.functional.cross_entropy(m(x), y).backward()
        assert compiled(one).item() == pytest.approx(grad_norm(one).item(), rel=1e-6)
    assert len(compiled.cache) == 1


def test_learning_rate_schedules_apply_to_compiled_steps():
    """lr is read live by the compiled step (schedulers change it between calls), with the update
    still fused into one axpby; other hyperparameters are guarded and retrace when changed."""
    eager_m, eager_opt = _setup("SGD", lr=0.2, momentum=0.9)
    comp_m, comp_opt = _setup("SGD", lr=0.2, momentum=0.9)
    schedulers = [ug.optim.lr_scheduler.StepLR(o, step_size=2, gamma=0.5) for o in (eager_opt, comp_opt)]
    eager, compiled = train_step(eager_m, eager_opt), ug.jit(train_step(comp_m, comp_opt))
    for i, (x, y) in enumerate(_batches(7)):
        if i == 5:  # a hyperparameter that is baked in: the next call retraces
            for o in (eager_opt, comp_opt):
                o.param_groups[0]["momentum"] = 0.5
        assert compiled(x, y).item() == pytest.approx(eager(x, y).item(), rel=1e-5)
        for s in schedulers:
            s.step()
    for p, q in zip(eager_m.parameters(), comp_m.parameters()):
        np.testing.assert_allclose(q.detach().numpy(), p.detach().numpy(), rtol=1e-5, atol=1e-7)
    assert comp_opt.param_groups[0]["lr"] == pytest.approx(0.2 * 0.5 ** 3)
    assert len(compiled.cache) + len(compiled.state_cache) == 2  # lr changes never retraced
    assert sum(n.name == "axpby" for n in compiled.graph.nodes) == 8


def test_gradients_cleared_by_the_step_are_cleared_by_the_compiled_step():
    """zero_grad() at the end of a step leaves .grad None after each compiled call, as eagerly."""
    m, opt = _setup("SGD", lr=0.1)
    compiled = ug.jit(train_step(m, opt, zero_grad_last=True))
    for x, y in _batches(3):
        compiled(x, y)
        assert all(p.grad is None for p in m.parameters())
