import numpy as np
import pytest
import torch

import unigrad as ug

CASES = [
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.1, weight_decay=1e-3)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("Adam", dict(lr=0.01, weight_decay=1e-3)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("AdamW", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01)),
    ("Adadelta", dict(lr=1.0)),
]


@pytest.mark.parametrize("name,kwargs", CASES)
def test_matches_torch_after_100_steps(name, kwargs):
    rng = np.random.default_rng(0)
    w0 = rng.standard_normal((5, 3)).astype(np.float32)
    x = rng.standard_normal((16, 5)).astype(np.float32)
    y = rng.standard_normal((16, 3)).astype(np.float32)
    w = ug.nn.Parameter(ug.tensor(w0))
    tw = torch.nn.Parameter(torch.tensor(w0))
    opt = getattr(ug.optim, name)([w], **kwargs)
    topt = getattr(torch.optim, name)([tw], **kwargs)
    for _ in range(100):
        opt.zero_grad()
        ((ug.tensor(x) @ w - ug.tensor(y)) ** 2).mean().backward()
        opt.step()
        topt.zero_grad()
        ((torch.tensor(x) @ tw - torch.tensor(y)) ** 2).mean().backward()
        topt.step()
    np.testing.assert_allclose(w.detach().numpy(), tw.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_state_dict_round_trip_resumes_identically():
    w = ug.nn.Parameter(ug.ones(3))
    opt = ug.optim.Adam([w], lr=0.1)
    for _ in range(3):
        opt.zero_grad()
        (w * w).sum().backward()
        opt.step()
    w2 = ug.nn.Parameter(w.detach().clone())
    opt2 = ug.optim.Adam([w2], lr=0.5)
    opt2.load_state_dict(opt.state_dict())
    assert opt2.param_groups[0]["lr"] == 0.1
    for o, p in ((opt, w), (opt2, w2)):
        o.zero_grad()
        (p * p).sum().backward()
        o.step()
    np.testing.assert_array_equal(w.detach().numpy(), w2.detach().numpy())


def test_param_groups_and_schedulers():
    a, b = ug.nn.Parameter(ug.ones(1)), ug.nn.Parameter(ug.ones(1))
    opt = ug.optim.SGD([{"params": [a]}, {"params": [b], "lr": 1.0}], lr=0.1)
    sched = ug.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    lrs = []
    for _ in range(4):
        lrs.append(sched.get_last_lr())
        sched.step()
    assert lrs == [[0.1, 1.0], [0.1, 1.0], [0.05, 0.5], [0.05, 0.5]]
    topt = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1)
    for ours_cls, theirs_cls, kw in ((ug.optim.lr_scheduler.CosineAnnealingLR, torch.optim.lr_scheduler.CosineAnnealingLR,
                                      dict(T_max=5)),
                                     (ug.optim.lr_scheduler.MultiStepLR, torch.optim.lr_scheduler.MultiStepLR,
                                      dict(milestones=[1, 3])),
                                     (ug.optim.lr_scheduler.ExponentialLR, torch.optim.lr_scheduler.ExponentialLR,
                                      dict(gamma=0.9))):
        o = ug.optim.SGD([ug.nn.Parameter(ug.ones(1))], lr=0.1)
        t = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1)
        s, ts = ours_cls(o, **kw), theirs_cls(t, **kw)
        for _ in range(6):
            assert s.get_last_lr()[0] == pytest.approx(ts.get_last_lr()[0])
            s.step()
            t.step()
            ts.step()
    del topt
