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
