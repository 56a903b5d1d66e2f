"""gru_layer_backward: the gradients of gru_layer, backpropagated through time in one op."""
import numpy as np

from ..dispatch import dispatch
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec
from .common import feature_major_masks, layer_samples, time_order


def _forward(xp, x, h0, w_ih, w_hh, ws, dy, dh_n, lengths=None, reverse=False):
    # feature-major, as gru_layer's forward
    steps, batch, features = x.shape
    hidden = h0.shape[1]
    dxw = xp.empty((steps, 3 * hidden, batch), x.dtype)
    dhw = xp.empty((steps, 3 * hidden, batch), x.dtype)
    dy_t = xp.ascontiguousarray(dy.transpose(0, 2, 1), dtype=x.dtype)
    dh = xp.array(dh_n.T, dtype=x.dtype, order="C")
    w_hh_t = xp.ascontiguousarray(w_hh.T)
    masks = feature_major_masks(xp, lengths, steps, x.dtype)
    forward_order = list(time_order(steps, reverse))
    h_prev = xp.empty((steps, hidden, batch), x.dtype)
    for k, t in enumerate(forward_order):
        h_prev[t] = ws[forward_order[k - 1], 4 * hidden:] if k else h0.T
    for k in range(steps - 1, -1, -1):
        t = forward_order[k]
        w = ws[t]
        r, z, n, hn = (w[j * hidden:(j + 1) * hidden] for j in range(4))
        if masks is not None:
            m = masks[t]
            carry = dh * (1 - m)
            dh += dy_t[t]
            dh *= m
        else:
            dh += dy_t[t]
        dr, dz, dn = (dxw[t, j * hidden:(j + 1) * hidden] for j in range(3))
        xp.multiply(dh, 1 - z, out=dn)
        dn *= 1 - n * n
        xp.subtract(h_prev[t], n, out=dz)
        dz *= dh
        dz *= z * (1 - z)
        xp.multiply(dn, hn, out=dr)
        dr *= r * (1 - r)
        dhw[t, :2 * hidden] = dxw[t, :2 * hidden]
        xp.multiply(dn, r, out=dhw[t, 2 * hidden:])
        dh *= z
        dh += xp.matmul(w_hh_t, dhw[t])
        if masks is not None:
            dh += carry
    flat_x = xp.ascontiguousarray(dxw.transpose(0, 2, 1)).reshape(steps * batch, -1)
    flat_h = xp.ascontiguousarray(dhw.transpose(0, 2, 1)).reshape(steps * batch, -1)
    h_prev_rows = xp.ascontiguousarray(h_prev.transpose(0, 2, 1)).reshape(steps * batch, hidden)
    dx = xp.matmul(flat_x, w_ih).reshape(steps, batch, features)
    return (dx, xp.ascontiguousarray(dh.T), xp.matmul(flat_x.T, x.reshape(steps * batch, features)),
            xp.matmul(flat_h.T, h_prev_rows), flat_x.sum(axis=0), flat_h.sum(axis=0))


def _infer(x, h0, w_ih, w_hh, ws, dy, dh_n, lengths=None, reverse=False):
    return (Spec(x.shape, x.dtype), Spec(h0.shape, x.dtype), Spec(w_ih.shape, x.dtype), Spec(w_hh.shape, x.dtype),
            Spec(w_ih.shape[:1], x.dtype), Spec(w_hh.shape[:1], x.dtype))


def _samples():
    """The layer's samples with zero biases: the backward reads the biases only through the
    workspace, so its oracle can rebuild the layer from the operands it has."""
    from .gru_layer import _forward as layer
    out = []
    for s in layer_samples("gru"):
        x, h0, w_ih, w_hh, b_ih, b_hh = s.inputs[:6]
        lengths = s.inputs[6:]
        zero = np.zeros_like(b_ih)
        y, h, ws = layer(np, x, h0, w_ih, w_hh, zero, zero, *lengths, **s.attrs)
        grads = (randn(*y.shape, seed=8), randn(*h.shape, seed=9))
        out.append(Sample((x, h0, w_ih, w_hh, ws) + grads + lengths, dict(s.attrs), grad=False))
    return out


def _torch_ref(torch, x, h0, w_ih, w_hh, ws, dy, dh_n, lengths=None, reverse=False):
    """PyTorch's autograd through the step-by-step layer (zero biases, as in the samples)."""
    from .gru_layer import torch_gru_layer
    leaves = [t.detach().requires_grad_(True) for t in (x, h0, w_ih, w_hh)]
    biases = [w_ih.new_zeros(w_ih.shape[0]).requires_grad_(True) for _ in range(2)]
    y, h, _ = torch_gru_layer(torch, *leaves, *biases, lengths, reverse)
    return torch.autograd.grad((y * dy).sum() + (h * dh_n).sum(), leaves + biases)


gru_layer_backward_op = OpDef(
    name="gru_layer_backward", forward=_forward, n_outputs=6, diff_outputs=(), infer=_infer,
    variants=Variants(function=False), samples=_samples, torch_ref=_torch_ref)


def gru_layer_backward(x, h0, weight_ih, weight_hh, workspace, dy, dh_n, lengths=None, reverse=False):
    """Gradients (dx, dh0, dweight_ih, dweight_hh, dbias_ih, dbias_hh) of gru_layer for dy and
    dh_n, from the workspace its forward saved."""
    inputs = (x, h0, weight_ih, weight_hh, workspace, dy, dh_n) + (() if lengths is None else (lengths,))
    return dispatch(gru_layer_backward_op, inputs, {"reverse": bool(reverse)})


register(gru_layer_backward_op, public=gru_layer_backward)
