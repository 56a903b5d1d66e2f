"""optim.LBFGS's iterates, SparseAdam's refusal, and the lr schedules (OneCycleLR, CyclicLR,
CosineAnnealingWarmRestarts, LinearLR, SequentialLR, ReduceLROnPlateau, and ConstantLR,
PolynomialLR, MultiplicativeLR, ChainedScheduler) step by step against torch's, with state_dict
round trips."""
import numpy as np
import pytest
import torch

import unigrad as ug
from unigrad.errors import InvalidArgumentError

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")   # torch's "step before optimizer.step"


# ---- LBFGS ------------------------------------------------------------------------------------

def _rosenbrock(x):
    return (100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2).sum()


class _Trail(list):
    optimizer = None


def _run_lbfgs(lib, params, loss_fn, steps, optimizer=None, **kwargs):
    opt = optimizer or (ug.optim.LBFGS if lib is ug else torch.optim.LBFGS)(params, **kwargs)

    def closure():
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        return loss
    trail = _Trail()
    trail.optimizer = opt
    for _ in range(steps):
        loss = opt.step(closure)
        state = opt.state[params[0]]
        trail.append((float(loss), [p.detach().numpy().copy() for p in params], state["n_iter"],
                      state["func_evals"]))
    return trail


def _assert_same_trail(ours, theirs, rtol=1e-8):
    """Same iteration and evaluation counts, losses and parameters. rtol: what the parameters
    may differ by (a model's GEMMs round differently in OpenBLAS and in torch's MKL, and dozens
    of line-search evaluations carry it along)."""
    for (loss, values, n_iter, evals), (t_loss, t_values, t_n_iter, t_evals) in zip(ours, theirs):
        assert (n_iter, evals) == (t_n_iter, t_evals)
        np.testing.assert_allclose(loss, t_loss, rtol=rtol / 10, atol=1e-12)
        for v, tv in zip(values, t_values):
            np.testing.assert_allclose(v, tv, rtol=rtol, atol=rtol / 100)


@pytest.mark.parametrize("kwargs", [{"line_search_fn": "strong_wolfe", "history_size": 3, "max_iter": 7},
                                    {"lr": 0.1, "max_iter": 7, "history_size": 4},
                                    {"line_search_fn": "strong_wolfe", "tolerance_change": 1e-6}],
                         ids=["strong_wolfe_short_history", "fixed_step", "strong_wolfe_defaults"])
def test_lbfgs_follows_torch_on_rosenbrock(kwargs):
    x0 = np.array([-1.2, 1.0, -0.5, 0.8])
    x, tx = ug.nn.Parameter(ug.tensor(x0)), torch.nn.Parameter(torch.tensor(x0))
    _assert_same_trail(_run_lbfgs(ug, [x], lambda: _rosenbrock(x), 4, **kwargs),
                       _run_lbfgs(torch, [tx], lambda: _rosenbrock(tx), 4, **kwargs))


def test_lbfgs_over_a_model_s_parameters():
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((32, 5)), rng.standard_normal((32, 2))
    torch.manual_seed(0)
    tm = torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.Tanh(), torch.nn.Linear(8, 2)).double()
    m = ug.nn.Sequential(ug.nn.Linear(5, 8), ug.nn.Tanh(), ug.nn.Linear(8, 2)).double()
    m.load_state_dict({k: ug.tensor(v.numpy()) for k, v in tm.state_dict().items()})
    ours = _run_lbfgs(ug, list(m.parameters()), lambda: ((m(ug.tensor(X)) - ug.tensor(Y)) ** 2).mean(), 3,
                      line_search_fn="strong_wolfe", history_size=5)
    theirs = _run_lbfgs(torch, list(tm.parameters()),
                        lambda: ((tm(torch.tensor(X)) - torch.tensor(Y)) ** 2).mean(), 3,
                        line_search_fn="strong_wolfe", history_size=5)
    _assert_same_trail(ours, theirs, rtol=1e-6)  # seen 2.6e-8 on an AMD EPYC
    assert ours[-1][0] < 0.5 * ours[0][0]


def test_lbfgs_resumes_from_its_state_dict():
    x0 = np.array([-1.2, 1.0, -0.5])
    tx = torch.nn.Parameter(torch.tensor(x0))
    theirs = _run_lbfgs(torch, [tx], lambda: _rosenbrock(tx), 4, line_search_fn="strong_wolfe", max_iter=3)
    x = ug.nn.Parameter(ug.tensor(x0))
    first = _run_lbfgs(ug, [x], lambda: _rosenbrock(x), 2, line_search_fn="strong_wolfe", max_iter=3)
    opt = ug.optim.LBFGS([x], line_search_fn="strong_wolfe", max_iter=3)
    opt.load_state_dict(first.optimizer.state_dict())
    state = opt.state_dict()["state"][0]
    assert isinstance(state["old_dirs"][0], ug.Tensor) and isinstance(state["d"], ug.Tensor)
    second = _run_lbfgs(ug, [x], lambda: _rosenbrock(x), 2, optimizer=opt)
    _assert_same_trail(first + second, theirs)


def test_lbfgs_stops_at_a_minimum_and_refuses_what_torch_refuses():
    x = ug.nn.Parameter(ug.tensor([1.0, 1.0, 1.0]))          # Rosenbrock's minimum: gradient 0
    trail = _run_lbfgs(ug, [x], lambda: _rosenbrock(x), 1)
    assert trail[0][2:] == (0, 1)                              # one evaluation, no iteration
    opt = ug.optim.LBFGS([x])
    with pytest.raises(InvalidArgumentError, match="needs a closure"):
        opt.step(None)
    with pytest.raises(InvalidArgumentError, match="parameter groups"):
        ug.optim.LBFGS([{"params": [x]}, {"params": [ug.nn.Parameter(ug.zeros(2))]}])
    with pytest.raises(InvalidArgumentError, match="strong_wolfe"):
        ug.optim.LBFGS([x], line_search_fn="backtracking")


def test_sparse_adam_is_refused_with_the_reason():
    with pytest.raises(InvalidArgumentError, match="always dense. Use optim.Adam"):
        ug.optim.SparseAdam([ug.nn.Parameter(ug.zeros(3))])


# ---- lr schedulers ---------------------------------------------------------------------------

def _optimizers(kind):
    """The same two parameter groups (different lrs) in unigrad and torch."""
    groups = lambda lib, P: [{"params": [P(lib.zeros(2))], "lr": 0.1}, {"params": [P(lib.zeros(3))], "lr": 0.02}]
    if kind == "adam":
        return ug.optim.Adam(groups(ug, ug.nn.Parameter)), torch.optim.Adam(groups(torch, torch.nn.Parameter))
    return (ug.optim.SGD(groups(ug, ug.nn.Parameter), momentum=0.9),
            torch.optim.SGD(groups(torch, torch.nn.Parameter), momentum=0.9))


def _hyper(opt):
    return [(g["lr"], g.get("momentum"), g.get("betas")) for g in opt.param_groups]


def _assert_same(opt, topt, sched, tsched):
    for (lr, mom, betas), (tlr, tmom, tbetas) in zip(_hyper(opt), _hyper(topt)):
        np.testing.assert_allclose(lr, tlr, rtol=1e-12, atol=1e-15)
        if tmom is not None:
            np.testing.assert_allclose(mom, tmom, rtol=1e-12, atol=1e-15)
        if tbetas is not None:
            np.testing.assert_allclose(betas, tbetas, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(sched.get_last_lr(), tsched.get_last_lr(), rtol=1e-12, atol=1e-15)


SCHEDULES = {
    "one_cycle_cos": ("sgd", lambda L, o: L.OneCycleLR(o, max_lr=[1.0, 0.5], total_steps=30), 30),
    "one_cycle_linear_three_phase_adam": (
        "adam", lambda L, o: L.OneCycleLR(o, max_lr=0.3, epochs=4, steps_per_epoch=6, pct_start=0.25,
                                          anneal_strategy="linear", three_phase=True), 24),
    "cyclic_triangular2": ("sgd", lambda L, o: L.CyclicLR(o, 0.01, 0.1, step_size_up=4, step_size_down=3,
                                                          mode="triangular2"), 40),
    "cyclic_exp_range_adam": ("adam", lambda L, o: L.CyclicLR(o, [0.01, 0.001], [0.1, 0.05], step_size_up=5,
                                                              mode="exp_range", gamma=0.97), 40),
    "cyclic_no_momentum": ("sgd", lambda L, o: L.CyclicLR(o, 0.01, 0.1, step_size_up=3, cycle_momentum=False), 20),
    "warm_restarts": ("sgd", lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001), 40),
    "warm_restarts_constant_period": ("sgd", lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=4), 20),
    "linear_warmup": ("sgd", lambda L, o: L.LinearLR(o, start_factor=0.1, end_factor=0.9, total_iters=6), 12),
    "sequential_warmup_then_exponential": (
        "sgd", lambda L, o: L.SequentialLR(o, [L.LinearLR(o, start_factor=0.25, total_iters=4),
                                               L.ExponentialLR(o, gamma=0.8)], milestones=[5]), 15),
    "sequential_three": (
        "adam", lambda L, o: L.SequentialLR(o, [L.LinearLR(o, start_factor=0.5, total_iters=2),
                                                L.CosineAnnealingLR(o, T_max=5),
                                                L.StepLR(o, step_size=2, gamma=0.5)], milestones=[3, 9]), 16),
    "chained_constant_exponential": (
        "sgd", lambda L, o: L.ChainedScheduler([L.ConstantLR(o, factor=0.1, total_iters=2),
                                                L.ExponentialLR(o, gamma=0.9)]), 10),
    "sequential_constant_then_cosine_past_t_max": (
        "sgd", lambda L, o: L.SequentialLR(o, [L.ConstantLR(o, factor=0.5, total_iters=3),
                                               L.CosineAnnealingLR(o, T_max=4, eta_min=0.01)], milestones=[3]), 20),
    "polynomial": ("adam", lambda L, o: L.PolynomialLR(o, total_iters=6, power=2.0), 10),
    "multiplicative": ("sgd", lambda L, o: L.MultiplicativeLR(o, lambda epoch: 0.95 if epoch % 2 else 0.9), 10),
    "multistep_repeated_milestone": ("sgd", lambda L, o: L.MultiStepLR(o, [2, 5, 5], gamma=0.5), 8),
}


@pytest.mark.parametrize("case", sorted(SCHEDULES))
def test_schedule_follows_torch_and_resumes_from_its_state_dict(case):
    kind, make, steps = SCHEDULES[case]
    opt, topt = _optimizers(kind)
    sched, tsched = make(ug.optim.lr_scheduler, opt), make(torch.optim.lr_scheduler, topt)
    _assert_same(opt, topt, sched, tsched)
    half = steps // 2
    for _ in range(half):
        sched.step()
        tsched.step()
        _assert_same(opt, topt, sched, tsched)
    # resume: a new optimizer and scheduler, the old ones' state_dicts loaded
    state, opt_state = sched.state_dict(), opt.state_dict()
    opt2, _ = _optimizers(kind)
    sched2 = make(ug.optim.lr_scheduler, opt2)
    opt2.load_state_dict(opt_state)
    sched2.load_state_dict(state)
    for _ in range(steps - half):
        sched2.step()
        tsched.step()
        _assert_same(opt2, topt, sched2, tsched)


def test_schedulers_on_one_optimizer_compose_as_torch():
    """Two schedules stepping the same optimizer, without a wrapper: each step multiplies the lr
    the other left (torch's chainable form), also when the second was made after the first."""
    opt, topt = _optimizers("sgd")
    ours = [ug.optim.lr_scheduler.LinearLR(opt, start_factor=0.2, total_iters=4),
            ug.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)]
    theirs = [torch.optim.lr_scheduler.LinearLR(topt, start_factor=0.2, total_iters=4),
              torch.optim.lr_scheduler.StepLR(topt, step_size=3, gamma=0.5)]
    for _ in range(10):
        for a, b in zip(ours, theirs):
            a.step()
            b.step()
        _assert_same(opt, topt, ours[-1], theirs[-1])


def test_warm_restarts_take_fractional_epochs_as_torch():
    opt, topt = _optimizers("sgd")
    L, TL = ug.optim.lr_scheduler, torch.optim.lr_scheduler
    sched, tsched = L.CosineAnnealingWarmRestarts(opt, 2, T_mult=3), TL.CosineAnnealingWarmRestarts(topt, 2, T_mult=3)
    for epoch in np.arange(0, 12, 0.35):
        sched.step(float(epoch))
        tsched.step(float(epoch))
        _assert_same(opt, topt, sched, tsched)


@pytest.mark.parametrize("kwargs", [{}, {"mode": "max", "threshold_mode": "abs", "threshold": 0.05, "patience": 1,
                                         "cooldown": 2, "factor": 0.5, "min_lr": [0.01, 0.004]}])
def test_reduce_on_plateau_follows_torch(kwargs):
    kwargs = dict({"patience": 2}, **kwargs)
    opt, topt = _optimizers("sgd")
    sched = ug.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
    tsched = torch.optim.lr_scheduler.ReduceLROnPlateau(topt, **kwargs)
    metrics = [1.0, 0.9, 0.95, 0.95, 0.96, 0.89, 0.9, 0.9, 0.91, 0.92, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.7, 0.6] * 2
    for i, metric in enumerate(metrics):
        if i == len(metrics) // 2:     # resume halfway from the state_dict
            state = sched.state_dict()
            sched = ug.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
            sched.load_state_dict(state)
        sched.step(metric)
        tsched.step(metric)
        _assert_same(opt, topt, sched, tsched)
    assert opt.param_groups[0]["lr"] < 0.1                      # it did reduce


def test_schedulers_refuse_bad_arguments():
    opt, _ = _optimizers("sgd")
    L = ug.optim.lr_scheduler
    with pytest.raises(InvalidArgumentError, match="factor should be < 1.0"):
        L.ReduceLROnPlateau(opt, factor=1.5)
    with pytest.raises(InvalidArgumentError, match="total_steps"):
        L.OneCycleLR(opt, max_lr=0.1)
    with pytest.raises(InvalidArgumentError, match="milestones"):
        L.SequentialLR(opt, [L.LinearLR(opt), L.LinearLR(opt)], milestones=[])
    with pytest.raises(InvalidArgumentError, match="cycle_momentum"):
        L.CyclicLR(ug.optim.Adagrad([ug.nn.Parameter(ug.zeros(2))]), 0.01, 0.1)
    sched = L.OneCycleLR(opt, max_lr=0.1, total_steps=2)
    sched.step()
    sched.step()
    with pytest.raises(InvalidArgumentError, match="total_steps=2"):
        sched.step()
