"""nn.LSTM(proj_size=P) against PyTorch (float64): parameter names and shapes, outputs, states
and gradients for stacked, bidirectional, bias-free and packed inputs; bad arguments refused
with PyTorch's messages; the fused backward op (not the recorded decomposition) on a plain
backward; ONNX export refused naming the op."""
import numpy as np
import pytest
import torch

import unigrad as ug
from unigrad.nn.utils import rnn as urnn
from unigrad.ops.recurrent import lstm_proj_layer as proj_module


def _pair(*args, **kw):
    torch.manual_seed(0)
    t = torch.nn.LSTM(*args, **kw).double()
    u = ug.nn.LSTM(*args, **kw).double()
    u.load_state_dict({k: ug.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    return t, u


def _close(a, b, tol=1e-10):
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=tol, atol=tol)


def _grads_match(t, u, tol=1e-9):
    params = dict(u.named_parameters())
    for name, p in t.named_parameters():
        _close(p.grad, params[name].grad, tol)


CONFIGS = [dict(num_layers=2), dict(num_layers=2, bidirectional=True, batch_first=True), dict(bias=False)]


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()))
def test_projected_lstm_matches_torch(config):
    t, u = _pair(5, 7, proj_size=3, **config)
    assert [(n, tuple(p.shape)) for n, p in u.named_parameters()] == \
           [(n, tuple(p.shape)) for n, p in t.named_parameters()]
    assert "weight_hr_l0" in dict(u.named_parameters())
    batch_first, directions = config.get("batch_first", False), 2 if config.get("bidirectional") else 1
    layers = config.get("num_layers", 1) * directions
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 4, 5) if batch_first else (4, 3, 5))
    h0, c0 = rng.standard_normal((layers, 3, 3)), rng.standard_normal((layers, 3, 7))
    xt, xu = torch.tensor(x, requires_grad=True), ug.tensor(x, requires_grad=True)
    yt, (ht, ct) = t(xt, (torch.tensor(h0), torch.tensor(c0)))
    yu, (hu, cu) = u(xu, (ug.tensor(h0), ug.tensor(c0)))
    assert tuple(yu.shape) == tuple(yt.shape) and tuple(yu.shape)[-1] == 3 * directions
    assert tuple(hu.shape) == (layers, 3, 3) and tuple(cu.shape) == (layers, 3, 7)
    for a, b in ((yt, yu), (ht, hu), (ct, cu)):
        _close(a, b)
    w = rng.standard_normal(tuple(yt.shape))
    ((yt * torch.tensor(w)).sum() + ht.sum() + 0.5 * ct.sum()).backward()
    ((yu * ug.tensor(w)).sum() + hu.sum() + 0.5 * cu.sum()).backward()
    _close(xt.grad, xu.grad)
    _grads_match(t, u)


def test_zero_initial_state_and_packed_unsorted_batch_match_torch():
    t, u = _pair(3, 6, num_layers=2, proj_size=2, bidirectional=True, batch_first=True)
    lengths = [2, 5, 3]
    x = np.random.default_rng(4).standard_normal((3, 5, 3))
    xt, xu = torch.tensor(x, requires_grad=True), ug.tensor(x, requires_grad=True)
    ot, (ht, ct) = t(torch.nn.utils.rnn.pack_padded_sequence(xt, lengths, batch_first=True, enforce_sorted=False))
    ou, (hu, cu) = u(urnn.pack_padded_sequence(xu, lengths, batch_first=True, enforce_sorted=False))
    yt, _ = torch.nn.utils.rnn.pad_packed_sequence(ot, batch_first=True)
    yu, _ = urnn.pad_packed_sequence(ou, batch_first=True)
    for a, b in ((yt, yu), (ht, hu), (ct, cu)):
        _close(a, b)
    w = np.random.default_rng(5).standard_normal(tuple(yt.shape))
    ((yt * torch.tensor(w)).sum() + ht.sum() + ct.sum()).backward()
    ((yu * ug.tensor(w)).sum() + hu.sum() + cu.sum()).backward()
    _close(xt.grad, xu.grad)
    _grads_match(t, u)


def test_state_dict_ports_from_unigrad_to_torch_in_float32():
    u = ug.nn.LSTM(4, 8, proj_size=5)
    t = torch.nn.LSTM(4, 8, proj_size=5)
    t.load_state_dict({k: torch.tensor(v.numpy()) for k, v in u.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((6, 2, 4)).astype(np.float32)
    yt, yu = t(torch.tensor(x))[0], u(ug.tensor(x))[0]
    np.testing.assert_allclose(yu.detach().numpy(), yt.detach().numpy(), rtol=1e-5, atol=1e-6)
    bound = 1 / np.sqrt(8)  # every parameter, weight_hr included, ~ U(-1/sqrt(hidden), 1/sqrt(hidden))
    assert float(u.weight_hr_l0.abs().max()) <= bound and tuple(u.weight_hr_l0.shape) == (5, 8)


def test_bad_projection_arguments_are_refused_with_torchs_messages():
    with pytest.raises(ug.InvalidArgumentError, match="proj_size has to be smaller than hidden_size"):
        ug.nn.LSTM(3, 4, proj_size=4)
    with pytest.raises(ug.InvalidArgumentError, match="positive integer or zero"):
        ug.nn.LSTM(3, 4, proj_size=-1)
    lstm = ug.nn.LSTM(3, 4, proj_size=2)
    with pytest.raises(ug.ShapeError, match=r"expected hidden size \(1, 2, 2\), got \(1, 2, 4\) for h_0"):
        lstm(ug.zeros(5, 2, 3), (ug.zeros(1, 2, 4), ug.zeros(1, 2, 4)))
    with pytest.raises(ug.ShapeError, match=r"expected hidden size \(1, 2, 4\), got \(1, 2, 2\) for c_0"):
        lstm(ug.zeros(5, 2, 3), (ug.zeros(1, 2, 2), ug.zeros(1, 2, 2)))
    with pytest.raises(ug.ShapeError, match="weight_hr must be"):
        proj_module.lstm_proj_layer(ug.zeros(2, 1, 3), ug.zeros(1, 2), ug.zeros(1, 4), ug.zeros(16, 3),
                                    ug.zeros(16, 2), ug.zeros(16), ug.zeros(16), ug.zeros(2, 3))


def test_plain_backward_runs_the_fused_backward_op(monkeypatch):
    calls = []
    original = proj_module.lstm_proj_layer_backward
    monkeypatch.setattr(proj_module, "lstm_proj_layer_backward", lambda *a, **k: calls.append(1) or original(*a, **k))
    lstm = ug.nn.LSTM(3, 4, num_layers=2, proj_size=2)
    lstm(ug.randn(5, 2, 3))[0].sum().backward()
    assert len(calls) == 2 and lstm.weight_hr_l1.grad is not None


def test_onnx_export_names_the_projected_layer(tmp_path):
    pytest.importorskip("onnx")
    lstm = ug.nn.LSTM(3, 4, proj_size=2)
    with pytest.raises(Exception, match="lstm_proj_layer"):
        ug.onnx.export(lstm, ug.randn(5, 2, 3), str(tmp_path / "lstm.onnx"))
    assert not (tmp_path / "lstm.onnx").exists()
