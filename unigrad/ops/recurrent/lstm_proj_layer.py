"""lstm_proj_layer: one direction of one LSTM layer with a projection (nn.LSTM's proj_size), as
one op, and its fused backward.

PyTorch's formulas: the gates read the projected state, h' = W_hr (o * tanh(c')), so h is
(B, P) while c stays (B, H). The loop is lstm_layer's (lstm_sequence), with one more
(P, H) x (H, B) product a step; the backward is lstm_layer_backward's with the h gradient
brought back through W_hr^T, and dW_hr one GEMM over all steps. ONNX's LSTM has no projection,
so a model using it does not export to ONNX (the exporter names this op)."""
import numpy as np

from ..dispatch import dispatch
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec
from .common import check_layer, differentiable_backward_wanted
from .lstm_layer import _backward_in_ops, lstm_sequence, torch_lstm_layer
from .lstm_layer_backward import lstm_sequence_backward


def _forward(xp, x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, lengths=None, reverse=False):
    return lstm_sequence(xp, x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, lengths, reverse)


def _backward(ctx, dy, dh_n, dc_n, _workspace_grad=None):
    x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr = ctx.inputs[:8]
    lengths = ctx.inputs[8:]
    reverse = ctx.attrs.get("reverse", False)
    if differentiable_backward_wanted():
        grads = _backward_in_ops(x, h0, c0, w_ih, w_hh, b_ih, b_hh, lengths[0] if lengths else None, reverse,
                                 dy, dh_n, dc_n, w_hr)
    else:
        grads = lstm_proj_layer_backward(x, h0, c0, w_ih, w_hh, w_hr, ctx.output(3), dy, dh_n, dc_n, *lengths,
                                         reverse=reverse)
    dx, dh0, dc0, dw_ih, dw_hh, db, dw_hr = grads
    return (dx, dh0, dc0, dw_ih, dw_hh, db, db, dw_hr) + (None,) * len(lengths)


def _infer(x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, lengths=None, reverse=False):
    check_layer("lstm_proj_layer", "lstm", x, h0, c0, w_ih, w_hh, b_ih, b_hh, lengths, w_hr)
    steps, batch, hidden, proj = x.shape[0], x.shape[1], c0.shape[1], w_hr.shape[0]
    return (Spec((steps, batch, proj), x.dtype), Spec((batch, proj), x.dtype), Spec((batch, hidden), x.dtype),
            Spec((steps, 7 * hidden + proj, batch), x.dtype))  # the workspace, feature-major


def _layer_samples():
    """Small float64 layers (hidden 3, projection 2): forward, reverse and padded sequences."""
    steps, batch, features, hidden, proj = 3, 2, 3, 3, 2
    base = (randn(steps, batch, features, seed=1), randn(batch, proj, seed=2), randn(batch, hidden, seed=3),
            randn(4 * hidden, features, seed=4) * 0.6, randn(4 * hidden, proj, seed=5) * 0.6,
            randn(4 * hidden, seed=6) * 0.3, randn(4 * hidden, seed=7) * 0.3, randn(proj, hidden, seed=11) * 0.6)
    lengths = np.array([2, 3], dtype=np.int64)
    return [Sample(base, {"reverse": False}), Sample(base, {"reverse": True}),
            Sample(base + (lengths,), {"reverse": False}), Sample(base + (lengths,), {"reverse": True})]


def _torch_layer(torch, x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, lengths=None, reverse=False):
    return torch_lstm_layer(torch, x, h0, c0, w_ih, w_hh, b_ih, b_hh, lengths, reverse, w_hr)


lstm_proj_layer_op = OpDef(
    name="lstm_proj_layer", forward=_forward, backward=_backward, infer=_infer,
    n_outputs=4, diff_outputs=(0, 1, 2), nondiff_inputs=(8,), saves_outputs=True,
    variants=Variants(function=False), samples=_layer_samples,
    torch_ref=_torch_layer, tolerance={"rtol": 1e-9, "atol": 1e-9})


def lstm_proj_layer(input, h0, c0, weight_ih, weight_hh, bias_ih, bias_hh, weight_hr, lengths=None, reverse=False):
    """One LSTM layer with a projection, in one direction over a time-major sequence: input
    (T, B, I), h0 (B, P), c0 (B, H), PyTorch's weights (4H, I), (4H, P), biases (4H,) and
    weight_hr (P, H). Returns (output (T, B, P), h_n (B, P), c_n (B, H)); `lengths` and
    `reverse` as in lstm_layer."""
    inputs = (input, h0, c0, weight_ih, weight_hh, bias_ih, bias_hh, weight_hr) + (() if lengths is None else (lengths,))
    y, h, c, _ = dispatch(lstm_proj_layer_op, inputs, {"reverse": bool(reverse)})
    return y, h, c


register(lstm_proj_layer_op, public=lstm_proj_layer)


# ---- its backward ----------------------------------------------------------------------------------------

def _backward_forward(xp, x, h0, c0, w_ih, w_hh, w_hr, ws, dy, dh_n, dc_n, lengths=None, reverse=False):
    return lstm_sequence_backward(xp, x, h0, c0, w_ih, w_hh, w_hr, ws, dy, dh_n, dc_n, lengths, reverse)


def _backward_infer(x, h0, c0, w_ih, w_hh, w_hr, ws, dy, dh_n, dc_n, lengths=None, reverse=False):
    return tuple(Spec(s.shape, x.dtype) for s in (x, h0, c0, w_ih, w_hh)) + (
        Spec(w_ih.shape[:1], x.dtype), Spec(w_hr.shape, x.dtype))


def _backward_samples():
    """The layer's samples with zero biases: the backward reads the biases only through the
    workspace's gates, so its oracle can rebuild the layer from the operands it has."""
    out = []
    for s in _layer_samples():
        x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr = s.inputs[:8]
        lengths = s.inputs[8:]
        zero = np.zeros_like(b_ih)
        y, h, c, ws = _forward(np, x, h0, c0, w_ih, w_hh, zero, zero, w_hr, *lengths, **s.attrs)
        grads = (randn(*y.shape, seed=8), randn(*h.shape, seed=9), randn(*c.shape, seed=10))
        out.append(Sample((x, h0, c0, w_ih, w_hh, w_hr, ws) + grads + lengths, dict(s.attrs), grad=False))
    return out


def _backward_torch_ref(torch, x, h0, c0, w_ih, w_hh, w_hr, ws, dy, dh_n, dc_n, lengths=None, reverse=False):
    """PyTorch's autograd through the step-by-step layer (zero biases, as in the samples)."""
    leaves = [t.detach().requires_grad_(True) for t in (x, h0, c0, w_ih, w_hh)]
    bias = w_ih.new_zeros(w_ih.shape[0]).requires_grad_(True)
    w_hr = w_hr.detach().requires_grad_(True)
    y, h, c, _ = torch_lstm_layer(torch, *leaves, bias, torch.zeros_like(bias), lengths, reverse, w_hr)
    loss = (y * dy).sum() + (h * dh_n).sum() + (c * dc_n).sum()
    return torch.autograd.grad(loss, leaves + [bias, w_hr])


lstm_proj_layer_backward_op = OpDef(
    name="lstm_proj_layer_backward", forward=_backward_forward, n_outputs=7, diff_outputs=(), infer=_backward_infer,
    variants=Variants(function=False), samples=_backward_samples, torch_ref=_backward_torch_ref)


def lstm_proj_layer_backward(x, h0, c0, weight_ih, weight_hh, weight_hr, workspace, dy, dh_n, dc_n, lengths=None,
                             reverse=False):
    """Gradients (dx, dh0, dc0, dweight_ih, dweight_hh, dbias, dweight_hr) of lstm_proj_layer
    for the output gradients dy, dh_n, dc_n, from the workspace its forward saved."""
    inputs = (x, h0, c0, weight_ih, weight_hh, weight_hr, workspace, dy, dh_n, dc_n) + (
        () if lengths is None else (lengths,))
    return dispatch(lstm_proj_layer_backward_op, inputs, {"reverse": bool(reverse)})


register(lstm_proj_layer_backward_op, public=lstm_proj_layer_backward)
