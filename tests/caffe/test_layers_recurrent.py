"""LSTM, RNN and LSTMUnit: forward against torch's LSTM/RNN (Caffe's gate order i, f, o, g mapped
to torch's i, f, g, o), sequence restarts by cont, static inputs and exposed states, and every
gradient against finite differences of a NumPy reference."""
import numpy as np
import pytest
import torch

from unigrad import caffe

from .layer_check import build, check

RNG = np.random.default_rng(5)
T, N, D, H = 3, 2, 2, 3


def rand(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def lstm_reference(x, cont, static, params, h0=None, c0=None):
    w_xc, b_c = params[0], params[1]
    w_s = params[2] if static is not None else None
    w_hc = params[-1]
    t, n = x.shape[:2]
    h = np.zeros((n, H)) if h0 is None else h0.reshape(n, H)
    c = np.zeros((n, H)) if c0 is None else c0.reshape(n, H)
    outs = []
    for step in range(t):
        keep = cont[step][:, None]
        gates = x[step].reshape(n, -1) @ w_xc.T + b_c + (h * keep) @ w_hc.T
        if w_s is not None:
            gates = gates + static.reshape(n, -1) @ w_s.T
        i, f, o, g = sigmoid(gates[:, :H]), sigmoid(gates[:, H:2 * H]), sigmoid(gates[:, 2 * H:3 * H]), np.tanh(gates[:, 3 * H:])
        c = keep * f * c + i * g
        h = o * np.tanh(c)
        outs.append(h)
    return np.stack(outs), h, c


def rnn_reference(x, cont, static, params, h0=None):
    w_xh, b_h = params[0], params[1]
    w_s = params[2] if static is not None else None
    w_hh, w_ho, b_o = params[-3:]
    t, n = x.shape[:2]
    h = np.zeros((n, H)) if h0 is None else h0.reshape(n, H)
    outs = []
    for step in range(t):
        pre = x[step].reshape(n, -1) @ w_xh.T + b_h + (h * cont[step][:, None]) @ w_hh.T
        if w_s is not None:
            pre = pre + static.reshape(n, -1) @ w_s.T
        h = np.tanh(pre)
        outs.append(np.tanh(h @ w_ho.T + b_o))
    return np.stack(outs), h


def layer(kind, bottoms, tops, expose=False):
    b = "".join(f'bottom: "b{i}" ' for i in range(bottoms))
    t = "".join(f'top: "{name}" ' for name in tops)
    return (f'layer {{ name: "L" type: "{kind}" {b} {t} recurrent_param {{ num_output: {H} '
            f'expose_hidden: {str(expose).lower()} weight_filler {{ type: "uniform" min: -0.5 max: 0.5 }} '
            f'bias_filler {{ type: "uniform" min: -0.5 max: 0.5 }} }} }}')


def test_lstm_matches_torch_and_restarts_at_cont_zero():
    x = rand(T, N, D)
    cont = np.ones((T, N), np.float32)
    cont[0] = 0
    net = build(layer("LSTM", 2, ["h"]), [x.shape, cont.shape], caffe.TEST)
    w_xc, b_c, w_hc = [blob.data.copy() for blob in net.params["L"]]
    out = net.forward(b0=x, b1=cont)["h"]
    ref = torch.nn.LSTM(D, H)
    order = np.r_[0:H, H:2 * H, 3 * H:4 * H, 2 * H:3 * H]  # torch's i, f, g, o from Caffe's i, f, o, g
    with torch.no_grad():
        ref.weight_ih_l0.copy_(torch.tensor(w_xc[order]))
        ref.weight_hh_l0.copy_(torch.tensor(w_hc[order]))
        ref.bias_ih_l0.copy_(torch.tensor(b_c[order]))
        ref.bias_hh_l0.zero_()
        want = ref(torch.tensor(x))[0].numpy()
    np.testing.assert_allclose(out, want, rtol=1e-5, atol=1e-6)
    cont[2, 1] = 0  # item 1 starts a new sequence at step 2
    out = net.forward(b0=x, b1=cont)["h"]
    with torch.no_grad():
        restarted = ref(torch.tensor(x[2:, 1:2]))[0].numpy()
    np.testing.assert_allclose(out[2, 1], restarted[0, 0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out[:, 0], want[:, 0], rtol=1e-5, atol=1e-6)
    text = (f'layer {{ name: "in" type: "Input" top: "b0" top: "b1" input_param {{ shape {{ dim: {T} dim: {N} '
            f'dim: {D} }} shape {{ dim: {T} dim: {N} }} }} }} ' + layer("LSTM", 2, ["h"]))
    names = [name for name, _ in caffe.to_module(text).named_parameters()]
    assert names == ["L.W_xc", "L.b_c", "L.W_hc"]  # Caffe's blob names


def test_rnn_matches_torch():
    x = rand(T, N, D)
    cont = np.ones((T, N), np.float32)
    net = build(layer("RNN", 2, ["o"]), [x.shape, cont.shape], caffe.TEST)
    w_xh, b_h, w_hh, w_ho, b_o = [blob.data.copy() for blob in net.params["L"]]
    ref = torch.nn.RNN(D, H)
    with torch.no_grad():
        ref.weight_ih_l0.copy_(torch.tensor(w_xh))
        ref.weight_hh_l0.copy_(torch.tensor(w_hh))
        ref.bias_ih_l0.copy_(torch.tensor(b_h))
        ref.bias_hh_l0.zero_()
        hidden = ref(torch.tensor(x))[0]
        want = torch.tanh(hidden @ torch.tensor(w_ho).T + torch.tensor(b_o)).numpy()
    np.testing.assert_allclose(net.forward(b0=x, b1=cont)["o"], want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind", ["LSTM", "RNN"])
@pytest.mark.parametrize("static,expose", [(False, False), (True, True)])
def test_recurrent_gradients(kind, static, expose):
    x = rand(T, N, D)
    cont = np.ones((T, N), np.float32)
    cont[0] = 0
    cont[1, 0] = 0
    bottoms = [x, cont] + ([rand(N, 2)] if static else [])
    states = (2 if kind == "LSTM" else 1) if expose else 0
    bottoms += [rand(1, N, H) * 0.5 for _ in range(states)]
    tops = ["y"] + (["hT", "cT"][:states] if expose else [])

    def reference(bs, ps):
        s = bs[2] if static else None
        init = bs[2 + int(static):]
        if kind == "LSTM":
            y, h, c = lstm_reference(bs[0], bs[1], s, ps, *init)
            return [y, h[None], c[None]][:len(tops)]
        y, h = rnn_reference(bs[0], bs[1], s, ps, *init)
        return [y, h[None]][:len(tops)]
    grads = [0] + ([2] if static else []) + list(range(2 + int(static), 2 + int(static) + states))
    net = check(layer(kind, len(bottoms), tops, expose), bottoms, reference, tops, diff_bottoms=grads)
    assert not net.blobs["b1"].diff.any()  # no gradient to the sequence markers


def test_lstm_unit_is_one_step():
    c_prev, gates = rand(1, N, H), rand(1, N, 4 * H)
    cont = np.array([[1, 0]], np.float32)

    def reference(bs, ps):
        g = bs[1][0]
        i, f, o, gg = sigmoid(g[:, :H]), sigmoid(g[:, H:2 * H]), sigmoid(g[:, 2 * H:3 * H]), np.tanh(g[:, 3 * H:])
        c = bs[2][0][:, None] * f * bs[0][0] + i * gg
        return [c[None], (o * np.tanh(c))[None]]
    check('layer { name: "L" type: "LSTMUnit" bottom: "b0" bottom: "b1" bottom: "b2" top: "c" top: "h" }',
          [c_prev, gates, cont], reference, ["c", "h"], diff_bottoms=[0, 1])


def test_recurrent_shape_errors_name_the_layer():
    with pytest.raises(caffe.LayerShapeError, match="layer 'L'.*cont T x N"):
        build(layer("LSTM", 2, ["h"]), [(T, N, D), (T, N + 1)])
    with pytest.raises(caffe.NetDefinitionError, match="layer 'L'.*top"):
        build(layer("LSTM", 2, ["h", "hT"]), [(T, N, D), (T, N)])
