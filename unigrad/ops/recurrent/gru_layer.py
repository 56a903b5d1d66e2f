"""gru_layer: one direction of one GRU layer over a whole sequence, as one op.

PyTorch's gate order (r, z, n) and formulas: r = s(W_ir x + b_ir + W_hr h + b_hr),
z = s(W_iz x + b_iz + W_hz h + b_hz), n = tanh(W_in x + b_in + r * (W_hn h + b_hn)),
h' = (1 - z) * n + z * h. The input projection of all steps is one GEMM; the workspace keeps
r, z, n, W_hn h + b_hn and h per step for the fused backward (gru_layer_backward)."""
from .. import api as F
from ..dispatch import dispatch
from ..registry import Onnx, OpDef, Variants, register
from .common import (blend, differentiable_backward_wanted, feature_major_masks, float_mask, layer_infer, layer_samples,
                     sigmoid_, time_order, torch_blend, torch_mask)


def _forward(xp, x, h0, w_ih, w_hh, b_ih, b_hh, lengths=None, reverse=False):
    # feature-major, as lstm_layer: states (H, B), gates (3H, B), each one contiguous block
    steps, batch, _ = x.shape
    hidden = h0.shape[1]
    ws = xp.empty((steps, 5 * hidden, batch), x.dtype)  # per step: r z | n | W_hn h + b_hn | h, each (H, B)
    xw = xp.matmul(x.reshape(steps * batch, -1), xp.ascontiguousarray(w_ih.T)).reshape(steps, batch, 3 * hidden)
    xw_t = xp.empty((steps, 3 * hidden, batch), x.dtype)
    xp.add(xw.transpose(0, 2, 1), b_ih[:, None], out=xw_t)
    hw = xp.empty((3 * hidden, batch), x.dtype)
    masks = feature_major_masks(xp, lengths, steps, x.dtype)
    b_hh = b_hh[:, None]
    h = xp.ascontiguousarray(h0.T)
    for t in time_order(steps, reverse):
        w = ws[t]
        xp.matmul(w_hh, h, out=hw)
        hw += b_hh
        rz, n, hn, h_new = w[:2 * hidden], w[2 * hidden:3 * hidden], w[3 * hidden:4 * hidden], w[4 * hidden:]
        xp.add(xw_t[t, :2 * hidden], hw[:2 * hidden], out=rz)
        sigmoid_(xp, rz)
        hn[...] = hw[2 * hidden:]
        xp.multiply(rz[:hidden], hn, out=n)
        n += xw_t[t, 2 * hidden:]
        xp.tanh(n, out=n)
        xp.subtract(h, n, out=h_new)  # h' = n + z * (h - n)
        h_new *= rz[hidden:]
        h_new += n
        if masks is not None:
            m = masks[t]
            h_new -= h
            h_new *= m
            h_new += h
        h = h_new
    y = xp.ascontiguousarray(ws[:, 4 * hidden:].transpose(0, 2, 1))
    if masks is not None:
        y *= masks.transpose(0, 2, 1)
    return y, xp.ascontiguousarray(h.T), ws


def _backward(ctx, dy, dh_n, _workspace_grad=None):
    x, h0, w_ih, w_hh, b_ih, b_hh = ctx.inputs[:6]
    lengths = ctx.inputs[6:]
    reverse = ctx.attrs.get("reverse", False)
    if differentiable_backward_wanted():
        grads = _backward_in_ops(x, h0, w_ih, w_hh, b_ih, b_hh, lengths[0] if lengths else None, reverse, dy, dh_n)
    else:
        from .gru_layer_backward import gru_layer_backward
        grads = gru_layer_backward(x, h0, w_ih, w_hh, ctx.output(2), dy, dh_n, *lengths, reverse=reverse)
    return tuple(grads) + (None,) * len(lengths)


def _backward_in_ops(x, h0, w_ih, w_hh, b_ih, b_hh, lengths, reverse, dy, dh_n):
    """gru_layer_backward's gradients written with registered ops (differentiable again)."""
    steps = x.shape[0]
    h, saved = h0, {}
    for t in time_order(steps, reverse):
        xr, xz, xn = F.chunk(F.linear(x[t], w_ih, b_ih), 3, 1)
        hr, hz, hn = F.chunk(F.linear(h, w_hh, b_hh), 3, 1)
        r, z = F.sigmoid(F.add(xr, hr)), F.sigmoid(F.add(xz, hz))
        n = F.tanh(F.add(xn, F.mul(r, hn)))
        m = float_mask(lengths, t, x)
        saved[t] = (h, r, z, n, hn, m)
        h = blend(m, F.add(n, F.mul(z, F.sub(h, n))), h)
    dh, dxw, dhw = dh_n, {}, {}
    for t in reversed(list(time_order(steps, reverse))):
        h_prev, r, z, n, hn, m = saved[t]
        d = F.add(dh, dy[t]) if m is None else F.mul(F.add(dh, dy[t]), m)
        dn_pre = F.mul(F.mul(d, F.rsub(z, 1.0)), F.rsub(F.mul(n, n), 1.0))
        dz_pre = F.mul(F.mul(d, F.sub(h_prev, n)), F.mul(z, F.rsub(z, 1.0)))
        dr_pre = F.mul(F.mul(dn_pre, hn), F.mul(r, F.rsub(r, 1.0)))
        dxw[t] = F.cat([dr_pre, dz_pre, dn_pre], 1)
        dhw[t] = F.cat([dr_pre, dz_pre, F.mul(dn_pre, r)], 1)
        carry = None if m is None else F.mul(dh, F.rsub(m, 1.0))
        dh = F.add(F.mul(d, z), F.matmul(dhw[t], w_hh))
        if carry is not None:
            dh = F.add(dh, carry)
    order = range(steps)
    flat = (steps * x.shape[1], -1)
    dxw_all, dhw_all = F.reshape(F.stack([dxw[t] for t in order]), flat), F.reshape(F.stack([dhw[t] for t in order]), flat)
    h_prev_all = F.reshape(F.stack([saved[t][0] for t in order]), flat)
    dx = F.reshape(F.matmul(dxw_all, w_ih), tuple(x.shape))
    return (dx, dh, F.matmul(F.t(dxw_all), F.reshape(x, flat)), F.matmul(F.t(dhw_all), h_prev_all),
            F.sum(dxw_all, 0), F.sum(dhw_all, 0))


def torch_gru_layer(torch, x, h0, w_ih, w_hh, b_ih, b_hh, lengths=None, reverse=False):
    """The layer in PyTorch ops step by step (the conformance oracle), workspace included."""
    steps = x.shape[0]
    h, ys, ws = h0, [None] * steps, [None] * steps
    for t in time_order(steps, reverse):
        xr, xz, xn = (x[t] @ w_ih.T + b_ih).chunk(3, 1)
        hr, hz, hn = (h @ w_hh.T + b_hh).chunk(3, 1)
        r, z = torch.sigmoid(xr + hr), torch.sigmoid(xz + hz)
        n = torch.tanh(xn + r * hn)
        m = torch_mask(torch, lengths, t, x)
        h = torch_blend(m, n + z * (h - n), h)
        ys[t] = h if m is None else h * m
        ws[t] = torch.cat([r, z, n, hn, h], 1)
    return torch.stack(ys), h, torch.stack(ws).transpose(1, 2)


gru_layer_op = OpDef(
    name="gru_layer", forward=_forward, backward=_backward, infer=layer_infer("gru", "gru_layer"),
    onnx=Onnx(emit=lambda e, *ins, **attrs: e.recurrent_layer("gru", *ins, **attrs), opset=7),
    n_outputs=3, diff_outputs=(0, 1), nondiff_inputs=(6,), saves_outputs=True,
    variants=Variants(function=False), samples=lambda: layer_samples("gru"), torch_ref=torch_gru_layer)


def gru_layer(input, h0, weight_ih, weight_hh, bias_ih, bias_hh, lengths=None, reverse=False):
    """One GRU layer in one direction over a time-major sequence: input (T, B, I), h0 (B, H),
    PyTorch's weights (3H, I), (3H, H) and biases (3H,). Returns (output (T, B, H), h_n).
    `lengths` and `reverse` as in lstm_layer."""
    inputs = (input, h0, weight_ih, weight_hh, bias_ih, bias_hh) + (() if lengths is None else (lengths,))
    y, h, _ = dispatch(gru_layer_op, inputs, {"reverse": bool(reverse)})
    return y, h


register(gru_layer_op, public=gru_layer)
