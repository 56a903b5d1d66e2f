"""lstm_layer_backward: the gradients of lstm_layer, backpropagated through time in one op.

Each step costs a few in-place passes and one (B, 4H) x (4H, H) GEMM; the input and weight
gradients of all steps are then three large GEMMs over the stacked gate gradients."""
import numpy as np

from ..dispatch import dispatch
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec
from .common import feature_major_masks, layer_samples, time_order


def _forward(xp, x, h0, c0, w_ih, w_hh, ws, dy, dh_n, dc_n, lengths=None, reverse=False):
    # feature-major, as lstm_layer's forward: gate gradients (4H, B), states (H, B)
    steps, batch, features = x.shape
    hidden = h0.shape[1]
    dgates = xp.empty((steps, 4 * hidden, batch), x.dtype)
    dy_t = xp.ascontiguousarray(dy.transpose(0, 2, 1), dtype=x.dtype)
    dh, dc = xp.array(dh_n.T, dtype=x.dtype, order="C"), xp.array(dc_n.T, dtype=x.dtype, order="C")
    c0_t = xp.ascontiguousarray(c0.T)
    w_hh_t = xp.ascontiguousarray(w_hh.T)
    tmp = xp.empty((hidden, batch), x.dtype)
    masks = feature_major_masks(xp, lengths, steps, x.dtype)
    forward_order = list(time_order(steps, reverse))
    for k in range(steps - 1, -1, -1):
        t = forward_order[k]
        w = ws[t]
        i, f, g, o = (w[j * hidden:(j + 1) * hidden] for j in range(4))
        tanh_c = w[5 * hidden:6 * hidden]
        c_prev = ws[forward_order[k - 1], 4 * hidden:5 * hidden] if k else c0_t
        d = dgates[t]
        di, df, dg, do = (d[j * hidden:(j + 1) * hidden] for j in range(4))
        if masks is not None:  # a padded step: its state is the previous one, its output a constant 0
            m = masks[t]
            carry_h = dh * (1 - m)
            dh += dy_t[t]
            dh *= m
        else:
            dh += dy_t[t]
        # dc += dh * o * (1 - tanh(c)^2)
        xp.multiply(tanh_c, tanh_c, out=tmp)
        xp.subtract(1, tmp, out=tmp)
        tmp *= o
        tmp *= dh
        dc += tmp
        if masks is not None:
            carry_c = dc * (1 - m)
            dc *= m
        xp.multiply(dh, tanh_c, out=do)
        xp.multiply(dc, g, out=di)
        xp.multiply(dc, c_prev, out=df)
        xp.multiply(dc, i, out=dg)
        # through the activations: sigmoid' = s (1 - s) for i, f, o; tanh' = 1 - g^2
        s = w[:2 * hidden]
        d[:2 * hidden] *= s * (1 - s)
        do *= o * (1 - o)
        dg *= 1 - g * g
        dc *= f
        xp.matmul(w_hh_t, d, out=dh)
        if masks is not None:
            dh += carry_h
            dc += carry_c
    flat = xp.ascontiguousarray(dgates.transpose(0, 2, 1)).reshape(steps * batch, 4 * hidden)
    dx = xp.matmul(flat, w_ih).reshape(steps, batch, features)
    dw_ih = xp.matmul(flat.T, x.reshape(steps * batch, features))
    h_prev = xp.empty((steps, batch, hidden), x.dtype)
    for k, t in enumerate(forward_order):
        h_prev[t] = ws[forward_order[k - 1], 6 * hidden:].T if k else h0
    dw_hh = xp.matmul(flat.T, h_prev.reshape(steps * batch, hidden))
    return dx, xp.ascontiguousarray(dh.T), xp.ascontiguousarray(dc.T), dw_ih, dw_hh, flat.sum(axis=0)


def _infer(x, h0, c0, w_ih, w_hh, ws, dy, dh_n, dc_n, lengths=None, reverse=False):
    return (Spec(x.shape, x.dtype), Spec(h0.shape, x.dtype), Spec(c0.shape, x.dtype), Spec(w_ih.shape, x.dtype),
            Spec(w_hh.shape, x.dtype), Spec(w_ih.shape[:1], x.dtype))


def _samples():
    """The layer's samples with zero biases: the backward reads the biases only through the
    workspace's gates, so its oracle can rebuild the layer from the operands it has."""
    from .lstm_layer import _forward as layer
    out = []
    for s in layer_samples("lstm"):
        x, h0, c0, w_ih, w_hh, b_ih, b_hh = s.inputs[:7]
        lengths = s.inputs[7:]
        zero = np.zeros_like(b_ih)
        y, h, c, ws = layer(np, x, h0, c0, w_ih, w_hh, zero, zero, *lengths, **s.attrs)
        grads = (randn(*y.shape, seed=8), randn(*h.shape, seed=9), randn(*c.shape, seed=10))
        out.append(Sample((x, h0, c0, w_ih, w_hh, ws) + grads + lengths, dict(s.attrs), grad=False))
    return out


def _torch_ref(torch, x, h0, c0, w_ih, w_hh, ws, dy, dh_n, dc_n, lengths=None, reverse=False):
    """PyTorch's autograd through the step-by-step layer (zero biases, as in the samples)."""
    from .lstm_layer import torch_lstm_layer
    leaves = [t.detach().requires_grad_(True) for t in (x, h0, c0, w_ih, w_hh)]
    bias = w_ih.new_zeros(w_ih.shape[0]).requires_grad_(True)
    y, h, c, _ = torch_lstm_layer(torch, *leaves, bias, torch.zeros_like(bias), lengths, reverse)
    loss = (y * dy).sum() + (h * dh_n).sum() + (c * dc_n).sum()
    return torch.autograd.grad(loss, leaves + [bias])


lstm_layer_backward_op = OpDef(
    name="lstm_layer_backward", forward=_forward, n_outputs=6, diff_outputs=(), infer=_infer,
    variants=Variants(function=False), samples=_samples, torch_ref=_torch_ref)


def lstm_layer_backward(x, h0, c0, weight_ih, weight_hh, workspace, dy, dh_n, dc_n, lengths=None, reverse=False):
    """Gradients (dx, dh0, dc0, dweight_ih, dweight_hh, dbias) of lstm_layer for the output
    gradients dy, dh_n, dc_n, from the workspace its forward saved."""
    inputs = (x, h0, c0, weight_ih, weight_hh, workspace, dy, dh_n, dc_n) + (() if lengths is None else (lengths,))
    return dispatch(lstm_layer_backward_op, inputs, {"reverse": bool(reverse)})


register(lstm_layer_backward_op, public=lstm_layer_backward)
