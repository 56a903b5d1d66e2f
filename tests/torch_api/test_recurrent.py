"""nn.RNN / LSTM / GRU and their cells against PyTorch: state_dicts port both ways, outputs and
gradients agree (float64), packed sequences, and compiled steps over changing sequence lengths."""
import numpy as np
import pytest
import torch

import unigrad as ug
from unigrad.nn.utils import rnn as urnn


def _to_ug(module_t, module_u):
    module_u.load_state_dict({k: ug.tensor(v.detach().numpy()) for k, v in module_t.state_dict().items()})
    return module_u


def _pair(kind, *args, **kw):
    torch.manual_seed(0)
    t = getattr(torch.nn, kind)(*args, **kw).double()
    u = getattr(ug.nn, kind)(*args, **kw).double()
    return t, _to_ug(t, u)


def _close(a, b, tol=1e-10):
    np.testing.assert_allclose(np.asarray(a.detach().numpy() if hasattr(a, "detach") else a),
                               b.detach().numpy(), rtol=tol, atol=tol)


def _states(h):
    return list(h) if isinstance(h, tuple) else [h]


CONFIGS = [dict(num_layers=2), dict(num_layers=2, bidirectional=True, batch_first=True), dict(bias=False),
           dict(num_layers=3, bidirectional=True)]


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()))
def test_outputs_and_gradients_match_torch(kind, config):
    t, u = _pair(kind, 5, 7, **config)
    assert list(u.state_dict()) == list(t.state_dict())
    assert [n for n, _ in u.named_parameters()] == [n for n, _ in t.named_parameters()]
    x = np.random.default_rng(1).standard_normal((3, 4, 5) if config.get("batch_first") else (4, 3, 5))
    directions = 2 if config.get("bidirectional") else 1
    h0 = np.random.default_rng(2).standard_normal((config.get("num_layers", 1) * directions, 3, 7))
    xt, xu = torch.tensor(x, requires_grad=True), ug.tensor(x, requires_grad=True)
    hx_t = (torch.tensor(h0), torch.tensor(h0 * 0.5)) if kind == "LSTM" else torch.tensor(h0)
    hx_u = (ug.tensor(h0), ug.tensor(h0 * 0.5)) if kind == "LSTM" else ug.tensor(h0)
    yt, ht = t(xt, hx_t)
    yu, hu = u(xu, hx_u)
    _close(yt, yu)
    for a, b in zip(_states(ht), _states(hu)):
        _close(a, b)
    w = np.random.default_rng(3).standard_normal(tuple(yt.shape))
    ((yt * torch.tensor(w)).sum() + sum(h.sum() for h in _states(ht))).backward()
    ((yu * ug.tensor(w)).sum() + sum(h.sum() for h in _states(hu))).backward()
    _close(xt.grad, xu.grad)
    params = dict(u.named_parameters())
    for name, p in t.named_parameters():
        _close(p.grad, params[name].grad, 1e-9)


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
def test_state_dict_ports_from_unigrad_to_torch(kind):
    u = getattr(ug.nn, kind)(4, 6, num_layers=2, bidirectional=True).double()
    t = getattr(torch.nn, kind)(4, 6, num_layers=2, bidirectional=True).double()
    t.load_state_dict({k: torch.tensor(v.numpy()) for k, v in u.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((3, 2, 4))
    _close(t(torch.tensor(x))[0], u(ug.tensor(x))[0])


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_packed_unsorted_batch_matches_torch(kind):
    t, u = _pair(kind, 3, 4, num_layers=2, bidirectional=True, batch_first=True)
    lengths = [2, 5, 3]
    x = np.random.default_rng(4).standard_normal((3, 5, 3))
    xt, xu = torch.tensor(x, requires_grad=True), ug.tensor(x, requires_grad=True)
    pt = torch.nn.utils.rnn.pack_padded_sequence(xt, lengths, batch_first=True, enforce_sorted=False)
    pu = urnn.pack_padded_sequence(xu, lengths, batch_first=True, enforce_sorted=False)
    _close(pt.data, pu.data)
    assert pu.batch_sizes.tolist() == pt.batch_sizes.tolist()
    assert pu.sorted_indices.tolist() == pt.sorted_indices.tolist()
    ot, ht = t(pt)
    ou, hu = u(pu)
    assert isinstance(ou, urnn.PackedSequence)
    _close(ot.data, ou.data)
    for a, b in zip(_states(ht), _states(hu)):
        _close(a, b)
    yt, lt = torch.nn.utils.rnn.pad_packed_sequence(ot, batch_first=True, padding_value=-1.0)
    yu, lu = urnn.pad_packed_sequence(ou, batch_first=True, padding_value=-1.0)
    _close(yt, yu)
    assert lu.tolist() == lt.tolist() == lengths
    w = np.random.default_rng(5).standard_normal(tuple(yt.shape))
    ((yt * torch.tensor(w)).sum() + _states(ht)[0].sum()).backward()
    ((yu * ug.tensor(w)).sum() + _states(hu)[0].sum()).backward()
    _close(xt.grad, xu.grad)
    params = dict(u.named_parameters())
    for name, p in t.named_parameters():
        _close(p.grad, params[name].grad, 1e-9)


def test_pad_pack_utilities_match_torch():
    seqs = [np.arange(n * 2, dtype=np.float64).reshape(n, 2) for n in (3, 1, 2)]
    for bf in (False, True):
        for side in ("right", "left"):
            _close(torch.nn.utils.rnn.pad_sequence([torch.tensor(s) for s in seqs], bf, -2.0, side),
                   urnn.pad_sequence([ug.tensor(s) for s in seqs], bf, -2.0, side))
    pt = torch.nn.utils.rnn.pack_sequence([torch.tensor(s) for s in seqs], enforce_sorted=False)
    pu = urnn.pack_sequence([ug.tensor(s) for s in seqs], enforce_sorted=False)
    _close(pt.data, pu.data)
    for a, b in zip(torch.nn.utils.rnn.unpack_sequence(pt), urnn.unpack_sequence(pu)):
        _close(a, b)
    with pytest.raises(ug.InvalidArgumentError, match="sorted in decreasing order"):
        urnn.pack_padded_sequence(ug.zeros(3, 2), [1, 3])


@pytest.mark.parametrize("kind", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cells_match_torch(kind):
    t, u = _pair(kind, 3, 5)
    x = np.random.default_rng(6).standard_normal((4, 3))
    xt, xu = torch.tensor(x, requires_grad=True), ug.tensor(x, requires_grad=True)
    ht, hu = t(xt), u(xu)
    ht2, hu2 = t(xt, ht), u(xu, hu)  # a second step from the first one's state
    for a, b in zip(_states(ht2), _states(hu2)):
        _close(a, b)
    sum(h.sum() for h in _states(ht2)).backward()
    sum(h.sum() for h in _states(hu2)).backward()
    _close(xt.grad, xu.grad)
    params = dict(u.named_parameters())
    for name, p in t.named_parameters():
        _close(p.grad, params[name].grad)
    single = u(ug.tensor(x[0]))  # unbatched input
    assert tuple(_states(single)[0].shape) == (5,)


def test_unbatched_and_time_major_inputs():
    t, u = _pair("LSTM", 3, 4, num_layers=2)
    x = np.random.default_rng(7).standard_normal((6, 3))
    yt, (ht, _) = t(torch.tensor(x))
    yu, (hu, _) = u(ug.tensor(x))
    _close(yt, yu)
    _close(ht, hu)


def test_bad_shapes_name_the_module_and_sizes():
    lstm = ug.nn.LSTM(28, 64, batch_first=True)
    with pytest.raises(ug.ShapeError, match="input.size\\(-1\\) must be equal to input_size. Expected 28, got 20"):
        lstm(ug.zeros(2, 5, 20))
    with pytest.raises(ug.ShapeError, match=r"expected hidden size \(1, 2, 64\), got \(1, 3, 64\)"):
        lstm(ug.zeros(2, 5, 28), (ug.zeros(1, 3, 64), ug.zeros(1, 3, 64)))
    with pytest.raises(ug.DtypeError, match="input must have the type unigrad.float32, got type unigrad.float64"):
        lstm(ug.zeros(2, 5, 28, dtype=ug.float64))  # (NumPy would quietly run it in float64)
    with pytest.raises(ug.DtypeError, match="c_0 must have the type unigrad.float32"):
        lstm(ug.zeros(2, 5, 28), (ug.zeros(1, 2, 64), ug.zeros(1, 2, 64, dtype=ug.float64)))
    with pytest.raises(ug.DtypeError, match="GRUCell: input must have the type"):
        ug.nn.GRUCell(3, 4)(ug.zeros(2, 3, dtype=ug.float64))
    with pytest.raises(ug.ShapeError, match="at least one step"):
        ug.nn.GRU(3, 4)(ug.zeros(0, 2, 3))


def test_flatten_parameters_is_a_noop_and_dropout_only_trains():
    t, u = _pair("GRU", 3, 4, num_layers=2, dropout=0.5)
    u.flatten_parameters()
    x = np.random.default_rng(8).standard_normal((5, 2, 3))
    _close(t.eval()(torch.tensor(x))[0], u.eval()(ug.tensor(x))[0])
    u.train()
    a, b = u(ug.tensor(x))[0], u(ug.tensor(x))[0]
    assert not np.allclose(a.detach().numpy(), b.detach().numpy())


def test_plain_backward_runs_the_fused_backward_op():
    lstm = ug.nn.LSTM(3, 4)
    out, _ = lstm(ug.randn(5, 2, 3, requires_grad=True))
    node = out.grad_fn
    assert node.op.name == "lstm_layer"
    seen = []
    import unigrad.ops.recurrent.lstm_layer_backward as bw
    original = bw.lstm_layer_backward_op.forward
    bw.lstm_layer_backward_op.forward = lambda *a, **k: seen.append(1) or original(*a, **k)
    try:
        out.sum().backward()
    finally:
        bw.lstm_layer_backward_op.forward = original
    assert seen == [1]


def test_compiled_step_does_not_retrace_per_sequence_length():
    ug.manual_seed(0)
    model = ug.nn.LSTM(4, 8, num_layers=2)
    head = ug.nn.Linear(8, 1)
    params = list(model.parameters()) + list(head.parameters())
    opt = ug.optim.SGD(params, lr=0.1)

    def step(x, y):
        out, _ = model(x)
        loss = ug.nn.functional.mse_loss(head(out[-1]), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss

    compiled = ug.jit(step)
    traces = []
    original = compiled._trace
    compiled._trace = lambda *a: traces.append(a[0][0].shape[0]) or original(*a)
    rng = np.random.default_rng(0)
    for steps in (5, 6, 7, 8, 9, 12, 20, 3):
        x, y = ug.tensor(rng.standard_normal((steps, 2, 4)).astype(np.float32)), ug.zeros(2, 1)
        saved = [p.detach().clone() for p in params]
        loss = compiled(x, y)
        after = [p.detach().clone() for p in params]
        with ug.no_grad():
            for p, s in zip(params, saved):
                p.copy_(s)
        eager = step(x, y)
        np.testing.assert_allclose(loss.item(), eager.item(), rtol=1e-5)
        for p, a in zip(params, after):
            np.testing.assert_allclose(p.detach().numpy(), a.numpy(), rtol=1e-5, atol=1e-6)
    assert len(traces) <= 4 and 12 not in traces and 20 not in traces and 3 not in traces, traces


def test_relu_rnn_and_cell_match_torch():
    t, u = _pair("RNN", 3, 4, num_layers=2, nonlinearity="relu", bidirectional=True)
    assert "nonlinearity='relu'" in repr(u)
    x = np.random.default_rng(9).standard_normal((5, 2, 3))
    xt, xu = torch.tensor(x, requires_grad=True), ug.tensor(x, requires_grad=True)
    (yt, ht), (yu, hu) = t(xt), u(xu)
    _close(yt, yu)
    _close(ht, hu)
    (yt.sum() + ht.sum()).backward()
    (yu.sum() + hu.sum()).backward()
    _close(xt.grad, xu.grad)
    params = dict(u.named_parameters())
    for name, p in t.named_parameters():
        _close(p.grad, params[name].grad)
    tc, uc = _pair("RNNCell", 3, 4, nonlinearity="relu")
    _close(tc(torch.tensor(x[0])), uc(ug.tensor(x[0])))
