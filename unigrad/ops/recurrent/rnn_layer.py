"""rnn_layer: one direction of one Elman RNN layer over a whole sequence, as one op:
h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or relu). The input projection of all steps is one
GEMM; the workspace keeps each step's state for the fused backward (rnn_layer_backward)."""
from ...errors import InvalidArgumentError
from .. import api as F
from ..dispatch import dispatch
from ..registry import Onnx, OpDef, Variants, register
from .common import (blend, differentiable_backward_wanted, feature_major_masks, float_mask, layer_infer, layer_samples,
                     time_order, torch_blend, torch_mask)


def _forward(xp, x, h0, w_ih, w_hh, b_ih, b_hh, lengths=None, reverse=False, nonlinearity="tanh"):
    # feature-major, as lstm_layer: the workspace holds each step's state (H, B)
    steps, batch, _ = x.shape
    hidden = h0.shape[1]
    xw = xp.matmul(x.reshape(steps * batch, -1), xp.ascontiguousarray(w_ih.T)).reshape(steps, batch, hidden)
    ws = xp.empty((steps, hidden, batch), x.dtype)
    xp.add(xw.transpose(0, 2, 1), (b_ih + b_hh)[:, None], out=ws)
    masks = feature_major_masks(xp, lengths, steps, x.dtype)
    h, tmp = xp.ascontiguousarray(h0.T), xp.empty((hidden, batch), x.dtype)
    for t in time_order(steps, reverse):
        h_new = ws[t]
        xp.matmul(w_hh, h, out=tmp)
        h_new += tmp
        if nonlinearity == "tanh":
            xp.tanh(h_new, out=h_new)
        else:
            xp.maximum(h_new, 0, out=h_new)
        if masks is not None:
            m = masks[t]
            h_new -= h
            h_new *= m
            h_new += h
        h = h_new
    y = xp.ascontiguousarray(ws.transpose(0, 2, 1))
    if masks is not None:
        y *= masks.transpose(0, 2, 1)
    return y, xp.ascontiguousarray(h.T), ws


def _backward(ctx, dy, dh_n, _workspace_grad=None):
    x, h0, w_ih, w_hh, b_ih, b_hh = ctx.inputs[:6]
    lengths = ctx.inputs[6:]
    attrs = {"reverse": ctx.attrs.get("reverse", False), "nonlinearity": ctx.attrs.get("nonlinearity", "tanh")}
    if differentiable_backward_wanted():
        grads = _backward_in_ops(x, h0, w_ih, w_hh, b_ih, b_hh, lengths[0] if lengths else None, dy, dh_n, **attrs)
    else:
        from .rnn_layer_backward import rnn_layer_backward
        dx, dh0, dw_ih, dw_hh, db = rnn_layer_backward(x, h0, w_ih, w_hh, ctx.output(2), dy, dh_n, *lengths, **attrs)
        grads = (dx, dh0, dw_ih, dw_hh, db, db)
    return tuple(grads) + (None,) * len(lengths)


def _activate(pre, nonlinearity):
    return F.tanh(pre) if nonlinearity == "tanh" else F.relu(pre)


def _backward_in_ops(x, h0, w_ih, w_hh, b_ih, b_hh, lengths, dy, dh_n, reverse, nonlinearity):
    """rnn_layer_backward's gradients written with registered ops (differentiable again)."""
    steps = x.shape[0]
    h, saved = h0, {}
    for t in time_order(steps, reverse):
        h_new = _activate(F.add(F.linear(x[t], w_ih, b_ih), F.linear(h, w_hh, b_hh)), nonlinearity)
        m = float_mask(lengths, t, x)
        saved[t] = (h, h_new, m)
        h = blend(m, h_new, h)
    dh, dpre = dh_n, {}
    for t in reversed(list(time_order(steps, reverse))):
        h_prev, h_new, m = saved[t]
        d = F.add(dh, dy[t]) if m is None else F.mul(F.add(dh, dy[t]), m)
        slope = F.rsub(F.mul(h_new, h_new), 1.0) if nonlinearity == "tanh" else F.to_dtype(F.gt(h_new, 0.0), x.dtype)
        dpre[t] = F.mul(d, slope)
        carry = None if m is None else F.mul(dh, F.rsub(m, 1.0))
        dh = F.matmul(dpre[t], w_hh)
        if carry is not None:
            dh = F.add(dh, carry)
    order = range(steps)
    flat = (steps * x.shape[1], -1)
    d_all = F.reshape(F.stack([dpre[t] for t in order]), flat)
    h_prev_all = F.reshape(F.stack([saved[t][0] for t in order]), flat)
    db = F.sum(d_all, 0)
    return (F.reshape(F.matmul(d_all, w_ih), tuple(x.shape)), dh, F.matmul(F.t(d_all), F.reshape(x, flat)),
            F.matmul(F.t(d_all), h_prev_all), db, db)


def torch_rnn_layer(torch, x, h0, w_ih, w_hh, b_ih, b_hh, lengths=None, reverse=False, nonlinearity="tanh"):
    """The layer in PyTorch ops step by step (the conformance oracle), workspace included."""
    steps = x.shape[0]
    h, ys, ws = h0, [None] * steps, [None] * steps
    act = torch.tanh if nonlinearity == "tanh" else torch.relu
    for t in time_order(steps, reverse):
        m = torch_mask(torch, lengths, t, x)
        h = torch_blend(m, act(x[t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh), h)
        ys[t], ws[t] = (h if m is None else h * m), h
    return torch.stack(ys), h, torch.stack(ws).transpose(1, 2)


def _samples():
    out = layer_samples("rnn")
    for s in layer_samples("rnn")[::2]:
        out.append(type(s)(s.inputs, dict(s.attrs, nonlinearity="relu")))
    return out


rnn_layer_op = OpDef(
    name="rnn_layer", forward=_forward, backward=_backward, infer=layer_infer("rnn", "rnn_layer"),
    onnx=Onnx(emit=lambda e, *ins, **attrs: e.recurrent_layer("rnn", *ins, **attrs), opset=7),
    n_outputs=3, diff_outputs=(0, 1), nondiff_inputs=(6,), saves_outputs=True,
    variants=Variants(function=False), samples=_samples, torch_ref=torch_rnn_layer)


def rnn_layer(input, h0, weight_ih, weight_hh, bias_ih, bias_hh, lengths=None, reverse=False, nonlinearity="tanh"):
    """One Elman RNN layer in one direction over a time-major sequence: input (T, B, I), h0
    (B, H), weights (H, I), (H, H), biases (H,); nonlinearity 'tanh' or 'relu'. Returns
    (output (T, B, H), h_n). `lengths` and `reverse` as in lstm_layer."""
    if nonlinearity not in ("tanh", "relu"):
        raise InvalidArgumentError(f"rnn_layer: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
    inputs = (input, h0, weight_ih, weight_hh, bias_ih, bias_hh) + (() if lengths is None else (lengths,))
    y, h, _ = dispatch(rnn_layer_op, inputs, {"reverse": bool(reverse), "nonlinearity": nonlinearity})
    return y, h


register(rnn_layer_op, public=rnn_layer)
