"""rnn_layer_backward: the gradients of rnn_layer, backpropagated through time in one op."""
import numpy as np

from ..dispatch import dispatch
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec
from .common import feature_major_masks, time_order


def _forward(xp, x, h0, w_ih, w_hh, ws, dy, dh_n, lengths=None, reverse=False, nonlinearity="tanh"):
    # feature-major, as rnn_layer's forward
    steps, batch, features = x.shape
    hidden = h0.shape[1]
    dpre = xp.empty((steps, hidden, batch), x.dtype)
    dy_t = xp.ascontiguousarray(dy.transpose(0, 2, 1), dtype=x.dtype)
    dh = xp.array(dh_n.T, dtype=x.dtype, order="C")
    w_hh_t = xp.ascontiguousarray(w_hh.T)
    masks = feature_major_masks(xp, lengths, steps, x.dtype)
    forward_order = list(time_order(steps, reverse))
    h_prev = xp.empty_like(dpre)
    for k, t in enumerate(forward_order):
        h_prev[t] = ws[forward_order[k - 1]] if k else h0.T
    for k in range(steps - 1, -1, -1):
        t = forward_order[k]
        if masks is not None:
            m = masks[t]
            carry = dh * (1 - m)
            dh += dy_t[t]
            dh *= m
        else:
            dh += dy_t[t]
        d = dpre[t]
        if nonlinearity == "tanh":
            xp.multiply(ws[t], ws[t], out=d)
            xp.subtract(1, d, out=d)
            d *= dh
        else:
            xp.multiply(dh, ws[t] > 0, out=d)
        xp.matmul(w_hh_t, d, out=dh)
        if masks is not None:
            dh += carry
    flat = xp.ascontiguousarray(dpre.transpose(0, 2, 1)).reshape(steps * batch, hidden)
    h_prev_rows = xp.ascontiguousarray(h_prev.transpose(0, 2, 1)).reshape(steps * batch, hidden)
    return (xp.matmul(flat, w_ih).reshape(steps, batch, features), xp.ascontiguousarray(dh.T),
            xp.matmul(flat.T, x.reshape(steps * batch, features)), xp.matmul(flat.T, h_prev_rows), flat.sum(axis=0))


def _infer(x, h0, w_ih, w_hh, ws, dy, dh_n, lengths=None, reverse=False, nonlinearity="tanh"):
    return (Spec(x.shape, x.dtype), Spec(h0.shape, x.dtype), Spec(w_ih.shape, x.dtype), Spec(w_hh.shape, x.dtype),
            Spec(w_ih.shape[:1], x.dtype))


def _samples():
    """The layer's samples with zero biases (the backward reads them only through the workspace)."""
    from .rnn_layer import _forward as layer, _samples as layer_samples
    out = []
    for s in layer_samples():
        x, h0, w_ih, w_hh, b_ih, b_hh = s.inputs[:6]
        lengths = s.inputs[6:]
        zero = np.zeros_like(b_ih)
        y, h, ws = layer(np, x, h0, w_ih, w_hh, zero, zero, *lengths, **s.attrs)
        out.append(Sample((x, h0, w_ih, w_hh, ws, randn(*y.shape, seed=8), randn(*h.shape, seed=9)) + lengths,
                          dict(s.attrs), grad=False))
    return out


def _torch_ref(torch, x, h0, w_ih, w_hh, ws, dy, dh_n, lengths=None, reverse=False, nonlinearity="tanh"):
    from .rnn_layer import torch_rnn_layer
    leaves = [t.detach().requires_grad_(True) for t in (x, h0, w_ih, w_hh)]
    bias = w_ih.new_zeros(w_ih.shape[0]).requires_grad_(True)
    y, h, _ = torch_rnn_layer(torch, *leaves, bias, torch.zeros_like(bias), lengths, reverse, nonlinearity)
    return torch.autograd.grad((y * dy).sum() + (h * dh_n).sum(), leaves + [bias])


rnn_layer_backward_op = OpDef(
    name="rnn_layer_backward", forward=_forward, n_outputs=5, diff_outputs=(), infer=_infer,
    variants=Variants(function=False), samples=_samples, torch_ref=_torch_ref)


def rnn_layer_backward(x, h0, weight_ih, weight_hh, workspace, dy, dh_n, lengths=None, reverse=False,
                       nonlinearity="tanh"):
    """Gradients (dx, dh0, dweight_ih, dweight_hh, dbias) of rnn_layer for dy and dh_n, from the
    workspace (each step's state) its forward saved."""
    inputs = (x, h0, weight_ih, weight_hh, workspace, dy, dh_n) + (() if lengths is None else (lengths,))
    return dispatch(rnn_layer_backward_op, inputs, {"reverse": bool(reverse), "nonlinearity": nonlinearity})


register(rnn_layer_backward_op, public=rnn_layer_backward)
