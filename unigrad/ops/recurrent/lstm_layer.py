"""lstm_layer: one direction of one LSTM layer over a whole sequence, as one op.

The input projection of every step is one GEMM; each step then costs one (B, H) x (H, 4H) GEMM
and a few in-place passes. The gates, cell states and outputs go into a workspace output that
the fused backward (lstm_layer_backward) reads. PyTorch's gate order (i, f, g, o) and formulas:
c' = f * c + i * g, h' = o * tanh(c'). With `lengths`, padded steps keep the state and output 0."""
from .. import api as F
from ..dispatch import dispatch
from ..registry import Onnx, OpDef, Variants, register
from .common import (blend, differentiable_backward_wanted, feature_major_masks, float_mask, layer_infer, layer_samples,
                     time_order, torch_blend, torch_mask)


def _forward(xp, x, h0, c0, w_ih, w_hh, b_ih, b_hh, lengths=None, reverse=False):
    return lstm_sequence(xp, x, h0, c0, w_ih, w_hh, b_ih, b_hh, None, lengths, reverse)


def lstm_sequence(xp, x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, lengths, reverse):
    """The layer's loop, with a projection h = w_hr (o * tanh(c)) when w_hr (P, H) is given
    (lstm_proj_layer): the workspace then holds [i f g o | c | tanh(c) | o tanh(c) | h (P rows)].
    """
    # Steps run feature-major: states are (H, B) and gates (4H, B), so every gate and state is
    # one contiguous block (NumPy is ~3x slower on the strided column blocks of (B, 4H) rows).
    # One tanh pass gives all four gates: sigmoid(a) = (1 + tanh(a / 2)) / 2, and the halving of
    # the i, f, o rows is folded into copies of the weights and bias (exact: a power of two).
    steps, batch, _ = x.shape
    hidden = c0.shape[1]
    h_at = 6 * hidden if w_hr is None else 7 * hidden  # where each step's h starts in the workspace
    g_lo, g_hi = 2 * hidden, 3 * hidden
    half = xp.full((4 * hidden, 1), 0.5, x.dtype)
    half[g_lo:g_hi] = 1
    ws = xp.empty((steps, h_at + h0.shape[1], batch), x.dtype)  # i f g o | c | tanh(c) | h, each (H, B) a step
    xw = xp.matmul(x.reshape(steps * batch, -1), (w_ih * half).T).reshape(steps, batch, 4 * hidden)
    xw_t = xp.empty((steps, 4 * hidden, batch), x.dtype)
    xp.add(xw.transpose(0, 2, 1), (b_ih + b_hh)[:, None] * half, out=xw_t)
    w_hh_half = xp.asfortranarray(w_hh * half)  # OpenBLAS packs a column-major A faster: 77 vs 84 us a step
    masks = feature_major_masks(xp, lengths, steps, x.dtype)
    h, c = xp.ascontiguousarray(h0.T), xp.ascontiguousarray(c0.T)
    tmp = xp.empty((hidden, batch), x.dtype)
    for t in time_order(steps, reverse):
        w = ws[t]
        gates = w[:4 * hidden]
        xp.matmul(w_hh_half, h, out=gates)
        gates += xw_t[t]
        xp.tanh(gates, out=gates)
        cell_gate = gates[g_lo:g_hi]
        for sig in (gates[:g_lo], gates[g_hi:]):  # tanh(a / 2) -> sigmoid(a)
            sig *= 0.5
            sig += 0.5
        c_new, tanh_c, h_new = w[4 * hidden:5 * hidden], w[5 * hidden:6 * hidden], w[h_at:]
        xp.multiply(gates[hidden:g_lo], c, out=c_new)
        xp.multiply(gates[:hidden], cell_gate, out=tmp)
        c_new += tmp
        if masks is not None:
            m = masks[t]
            c_new -= c
            c_new *= m
            c_new += c
        xp.tanh(c_new, out=tanh_c)
        if w_hr is None:
            xp.multiply(gates[g_hi:], tanh_c, out=h_new)
        else:
            unprojected = w[6 * hidden:7 * hidden]
            xp.multiply(gates[g_hi:], tanh_c, out=unprojected)
            xp.matmul(w_hr, unprojected, out=h_new)
        if masks is not None:
            h_new -= h
            h_new *= m
            h_new += h
        h, c = h_new, c_new
    y = xp.ascontiguousarray(ws[:, h_at:].transpose(0, 2, 1))
    if masks is not None:
        y *= masks.transpose(0, 2, 1)
    return y, xp.ascontiguousarray(h.T), xp.ascontiguousarray(c.T), ws


def _backward(ctx, dy, dh_n, dc_n, _workspace_grad=None):
    x, h0, c0, w_ih, w_hh, b_ih, b_hh = ctx.inputs[:7]
    lengths = ctx.inputs[7:]
    reverse = ctx.attrs.get("reverse", False)
    if differentiable_backward_wanted():
        grads = _backward_in_ops(x, h0, c0, w_ih, w_hh, b_ih, b_hh, lengths[0] if lengths else None, reverse,
                                 dy, dh_n, dc_n)
    else:
        from .lstm_layer_backward import lstm_layer_backward
        grads = lstm_layer_backward(x, h0, c0, w_ih, w_hh, ctx.output(3), dy, dh_n, dc_n, *lengths,
                                    reverse=reverse)
    dx, dh0, dc0, dw_ih, dw_hh, db = grads
    return (dx, dh0, dc0, dw_ih, dw_hh, db, db) + (None,) * len(lengths)


def _backward_in_ops(x, h0, c0, w_ih, w_hh, b_ih, b_hh, lengths, reverse, dy, dh_n, dc_n, w_hr=None):
    """The same gradients as lstm_layer_backward, written with registered ops: recorded, so
    they can be differentiated again (create_graph=True). With w_hr (lstm_proj_layer) h is
    w_hr (o * tanh(c)), and dw_hr comes last."""
    steps = x.shape[0]
    bias = F.add(b_ih, b_hh)
    h, c, saved = h0, c0, {}
    for t in time_order(steps, reverse):
        i, f, g, o = F.chunk(F.add(F.linear(x[t], w_ih, bias), F.linear(h, w_hh)), 4, 1)
        i, f, g, o = F.sigmoid(i), F.sigmoid(f), F.tanh(g), F.sigmoid(o)
        m = float_mask(lengths, t, x)
        c_new = blend(m, F.add(F.mul(f, c), F.mul(i, g)), c)
        tanh_c = F.tanh(c_new)
        out = F.mul(o, tanh_c)
        saved[t] = (h, c, i, f, g, o, tanh_c, out, m)
        h, c = blend(m, out if w_hr is None else F.linear(out, w_hr), h), c_new
    dh, dc, dgates, dxs, dw_hr = dh_n, dc_n, {}, {}, None
    for t in reversed(list(time_order(steps, reverse))):
        h_prev, c_prev, i, f, g, o, tanh_c, out, m = saved[t]
        saved_dh, dh_total = dh, F.add(dh, dy[t])
        dh_v = dh_total if m is None else F.mul(dh_total, m)
        d_out = dh_v
        if w_hr is not None:
            d_out = F.matmul(dh_v, w_hr)
            step_dw = F.matmul(F.t(dh_v), out)
            dw_hr = step_dw if dw_hr is None else F.add(dw_hr, step_dw)
        dc_total = F.add(dc, F.mul(F.mul(d_out, o), F.rsub(F.mul(tanh_c, tanh_c), 1.0)))
        dc_new = dc_total if m is None else F.mul(dc_total, m)
        di = F.mul(F.mul(dc_new, g), F.mul(i, F.rsub(i, 1.0)))
        df = F.mul(F.mul(dc_new, c_prev), F.mul(f, F.rsub(f, 1.0)))
        dg = F.mul(F.mul(dc_new, i), F.rsub(F.mul(g, g), 1.0))
        do = F.mul(F.mul(d_out, tanh_c), F.mul(o, F.rsub(o, 1.0)))
        d = dgates[t] = F.cat([di, df, dg, do], 1)
        dxs[t] = F.matmul(d, w_ih)
        dh = F.matmul(d, w_hh)
        if m is not None:
            dh = F.add(dh, F.mul(saved_dh, F.rsub(m, 1.0)))
            dc = F.add(F.mul(dc_new, f), F.mul(dc, F.rsub(m, 1.0)))
        else:
            dc = F.mul(dc_new, f)
    order = range(steps)
    d_all = F.stack([dgates[t] for t in order])  # (T, B, 4H)
    h_prev_all = F.stack([saved[t][0] for t in order])
    flat = (steps * x.shape[1], -1)
    dw_ih = F.matmul(F.t(F.reshape(d_all, flat)), F.reshape(x, flat))
    dw_hh = F.matmul(F.t(F.reshape(d_all, flat)), F.reshape(h_prev_all, flat))
    db = F.sum(F.reshape(d_all, flat), 0)
    grads = (F.stack([dxs[t] for t in order]), dh, dc, dw_ih, dw_hh, db)
    return grads if w_hr is None else grads + (dw_hr,)


def torch_lstm_layer(torch, x, h0, c0, w_ih, w_hh, b_ih, b_hh, lengths=None, reverse=False, w_hr=None):
    """The layer in PyTorch ops step by step (the conformance oracle), workspace included; with
    w_hr, the projected layer (lstm_proj_layer)."""
    steps = x.shape[0]
    h, c, ys, ws = h0, c0, [None] * steps, [None] * steps
    for t in time_order(steps, reverse):
        i, f, g, o = (x[t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh).chunk(4, 1)
        i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
        m = torch_mask(torch, lengths, t, x)
        c_new = torch_blend(m, f * c + i * g, c)
        tanh_c = torch.tanh(c_new)
        out = o * tanh_c
        h_new = torch_blend(m, out if w_hr is None else out @ w_hr.T, h)
        ys[t] = h_new if m is None else h_new * m
        ws[t] = torch.cat([i, f, g, o, c_new, tanh_c] + ([] if w_hr is None else [out]) + [h_new], 1)
        h, c = h_new, c_new
    return torch.stack(ys), h, c, torch.stack(ws).transpose(1, 2)


lstm_layer_op = OpDef(
    name="lstm_layer", forward=_forward, backward=_backward, infer=layer_infer("lstm", "lstm_layer"),
    onnx=Onnx(emit=lambda e, *ins, **attrs: e.recurrent_layer("lstm", *ins, **attrs), opset=7),
    n_outputs=4, diff_outputs=(0, 1, 2), nondiff_inputs=(7,), saves_outputs=True,
    variants=Variants(function=False), samples=lambda: layer_samples("lstm"),
    torch_ref=torch_lstm_layer, tolerance={"rtol": 1e-9, "atol": 1e-9})


def lstm_layer(input, h0, c0, weight_ih, weight_hh, bias_ih, bias_hh, lengths=None, reverse=False):
    """One LSTM layer in one direction over a time-major sequence: input (T, B, I), h0 and c0
    (B, H), PyTorch's weights (4H, I), (4H, H) and biases (4H,). Returns (output (T, B, H),
    h_n, c_n). `lengths` (B,) int64: sequence b spans steps [0, lengths[b]); later steps keep
    the state and output zeros. reverse=True runs from the last step to the first (the
    backward direction of a bidirectional layer)."""
    inputs = (input, h0, c0, weight_ih, weight_hh, bias_ih, bias_hh) + (() if lengths is None else (lengths,))
    y, h, c, _ = dispatch(lstm_layer_op, inputs, {"reverse": bool(reverse)})
    return y, h, c


register(lstm_layer_op, public=lstm_layer)
