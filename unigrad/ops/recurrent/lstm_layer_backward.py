"""lstm_layer_backward: the gradients of lstm_layer, backpropagated through time in one op.

Each step costs a few in-place passes and one (B, 4H) x (4H, H) GEMM; the input and weight
gradients of all steps are then three large GEMMs over the stacked gate gradients."""
import numpy as np

from ..dispatch import dispatch
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec
from .common import feature_major_masks, layer_samples


def _shifted(xp, seq, first, reverse):
    """seq's value at the step before each step in the layer's time order, `first` at its start:
    (T, ...) -> (T, ...), one vectorised copy."""
    out = xp.empty(seq.shape, seq.dtype)
    if reverse:
        out[:-1], out[-1] = seq[1:], first
    else:
        out[1:], out[0] = seq[:-1], first
    return out


def _step_factors(xp, ws, c0_t, hidden, reverse):
    """What each step's backward multiplies by, for all steps at once (big vectorised passes
    instead of ~15 small ones per step): gate_factors (T, 4H, B) = [g s'(i), c_prev s'(f),
    i tanh'(g), tanh(c) s'(o)] (s' = s (1 - s), tanh' = 1 - g^2) and cell_factor (T, H, B) =
    o (1 - tanh(c)^2), so that per step dgates = [dc, dc, dc, dh] * gate_factors."""
    acts = ws[:, :4 * hidden]
    i, g, o = acts[:, :hidden], acts[:, 2 * hidden:3 * hidden], acts[:, 3 * hidden:]
    tanh_c = ws[:, 5 * hidden:6 * hidden]
    gate_factors = xp.subtract(1, acts)
    gate_factors *= acts
    tanh_g = gate_factors[:, 2 * hidden:3 * hidden]
    xp.multiply(g, g, out=tanh_g)
    xp.subtract(1, tanh_g, out=tanh_g)
    tanh_g *= i
    gate_factors[:, :hidden] *= g
    gate_factors[:, hidden:2 * hidden] *= _shifted(xp, ws[:, 4 * hidden:5 * hidden], c0_t, reverse)
    gate_factors[:, 3 * hidden:] *= tanh_c
    cell_factor = xp.multiply(tanh_c, tanh_c)
    xp.subtract(1, cell_factor, out=cell_factor)
    cell_factor *= o
    return gate_factors, cell_factor


def _forward(xp, x, h0, c0, w_ih, w_hh, ws, dy, dh_n, dc_n, lengths=None, reverse=False):
    return lstm_sequence_backward(xp, x, h0, c0, w_ih, w_hh, None, ws, dy, dh_n, dc_n, lengths, reverse)


def lstm_sequence_backward(xp, x, h0, c0, w_ih, w_hh, w_hr, ws, dy, dh_n, dc_n, lengths, reverse):
    """The backward loop; with a projection w_hr (P, H) each step's h gradient reaches the cell
    through w_hr^T, and the gradients end with dw_hr."""
    # feature-major, as lstm_layer's forward: gate gradients (4H, B), states (H, B) (h: (P, B))
    steps, batch, features = x.shape
    hidden = c0.shape[1]
    h_at = 6 * hidden if w_hr is None else 7 * hidden
    dgates = xp.empty((steps, 4 * hidden, batch), x.dtype)
    dy_t = xp.ascontiguousarray(dy.transpose(0, 2, 1), dtype=x.dtype)
    dh, dc = xp.array(dh_n.T, dtype=x.dtype, order="C"), xp.array(dc_n.T, dtype=x.dtype, order="C")
    c0_t = xp.ascontiguousarray(c0.T)
    w_hh_t = xp.ascontiguousarray(w_hh.T)
    tmp = xp.empty((hidden, batch), x.dtype)
    if w_hr is not None:
        w_hr_t = xp.ascontiguousarray(w_hr.T)
        dh_steps = xp.empty((steps,) + dh.shape, x.dtype)  # each step's h gradient, for dw_hr
        d_unprojected = xp.empty((hidden, batch), x.dtype)
    masks = feature_major_masks(xp, lengths, steps, x.dtype)
    gate_factors, cell_factor = _step_factors(xp, ws, c0_t, hidden, reverse)
    forget = ws[:, hidden:2 * hidden]
    three = (3, hidden, batch)
    for t in (range(steps) if reverse else range(steps - 1, -1, -1)):  # the forward's order, backwards
        if masks is not None:  # a padded step: its state is the previous one, its output a constant 0
            m = masks[t]
            carry_h = dh * (1 - m)
            dh += dy_t[t]
            dh *= m
        else:
            dh += dy_t[t]
        d_out = dh  # the gradient of o * tanh(c)
        if w_hr is not None:
            dh_steps[t] = dh
            d_out = xp.matmul(w_hr_t, dh, out=d_unprojected)
        xp.multiply(d_out, cell_factor[t], out=tmp)  # dc += dh * o * (1 - tanh(c)^2)
        dc += tmp
        if masks is not None:
            carry_c = dc * (1 - m)
            dc *= m
        d = dgates[t]
        xp.multiply(gate_factors[t, :3 * hidden].reshape(three), dc, out=d[:3 * hidden].reshape(three))
        xp.multiply(d_out, gate_factors[t, 3 * hidden:], out=d[3 * hidden:])
        dc *= forget[t]
        xp.matmul(w_hh_t, d, out=dh)
        if masks is not None:
            dh += carry_h
            dc += carry_c
    flat = xp.ascontiguousarray(dgates.transpose(0, 2, 1)).reshape(steps * batch, 4 * hidden)
    dx = xp.matmul(flat, w_ih).reshape(steps, batch, features)
    dw_ih = xp.matmul(flat.T, x.reshape(steps * batch, features))
    h_prev = _shifted(xp, ws[:, h_at:].transpose(0, 2, 1), h0, reverse)
    dw_hh = xp.matmul(flat.T, h_prev.reshape(steps * batch, -1))
    grads = (dx, xp.ascontiguousarray(dh.T), xp.ascontiguousarray(dc.T), dw_ih, dw_hh, flat.sum(axis=0))
    if w_hr is None:
        return grads
    # dw_hr = sum over steps of dh_t (o tanh(c))_t^T: one (P, T B) x (T B, H) GEMM
    dh_flat = xp.ascontiguousarray(dh_steps.transpose(1, 0, 2)).reshape(dh.shape[0], steps * batch)
    unprojected = xp.ascontiguousarray(ws[:, 6 * hidden:7 * hidden].transpose(0, 2, 1)).reshape(steps * batch, hidden)
    return grads + (xp.matmul(dh_flat, unprojected),)


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
