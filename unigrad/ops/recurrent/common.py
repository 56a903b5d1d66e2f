"""What the fused recurrent layer ops share: argument checks and shape rules, the time order,
the masks of padded sequences, in-place activations, and conformance samples."""
import numpy as np

from ...core.grad_mode import state as _grad_state
from ...errors import DtypeError, ShapeError
from .. import api as F
from ..registry import Sample
from ..sampling import randn
from ..spec import Spec

# the gate blocks stacked in weight_ih / weight_hh, as PyTorch stacks them
GATES = {"lstm": 4, "gru": 3, "rnn": 1}


def time_order(steps, reverse):
    return range(steps - 1, -1, -1) if reverse else range(steps)


def step_masks(xp, lengths, steps, dtype):
    """(T, B, 1) 1.0 where step t is inside sequence b (t < lengths[b]), else 0.0; None when
    every sequence spans all T steps."""
    if lengths is None:
        return None
    return (xp.arange(steps)[:, None] < lengths[None, :]).astype(dtype)[:, :, None]


def feature_major_masks(xp, lengths, steps, dtype):
    """step_masks laid out (T, 1, B), for states kept feature-major as (H, B)."""
    masks = step_masks(xp, lengths, steps, dtype)
    return None if masks is None else masks.transpose(0, 2, 1)


def sigmoid_(xp, a):
    """a = 1 / (1 + exp(-a)), in place (four passes, no temporaries)."""
    xp.negative(a, out=a)
    xp.exp(a, out=a)
    a += 1
    xp.reciprocal(a, out=a)
    return a


def layer_infer(kind, name):
    """The shape rule of a fused layer op: (x, h0, [c0,] w_ih, w_hh, b_ih, b_hh, [lengths]) ->
    output (T, B, H), h_n (B, H), [c_n (B, H),] workspace (T, k*H, B)."""
    with_c = kind == "lstm"

    def infer(*specs, reverse=False, nonlinearity="tanh"):
        x, h0 = specs[0], specs[1]
        c0 = specs[2] if with_c else None
        w_ih, w_hh, b_ih, b_hh = specs[2 + with_c:6 + with_c]
        lengths = specs[6 + with_c] if len(specs) > 6 + with_c else None
        check_layer(name, kind, x, h0, c0, w_ih, w_hh, b_ih, b_hh, lengths)
        steps, batch, hidden = x.shape[0], x.shape[1], h0.shape[1]
        out = [Spec((steps, batch, hidden), x.dtype), Spec((batch, hidden), x.dtype)]
        if with_c:
            out.append(Spec((batch, hidden), x.dtype))
        out.append(Spec((steps, WORKSPACE[kind] * hidden, batch), x.dtype))  # feature-major, see lstm_layer
        return tuple(out)
    return infer


WORKSPACE = {"lstm": 7, "gru": 5, "rnn": 1}  # per step: the values the backward reads, in units of H


def check_layer(name, kind, x, h0, c0, w_ih, w_hh, b_ih, b_hh, lengths, w_hr=None):
    """Raise a ShapeError naming the op, the argument and the shapes when they do not fit. With
    w_hr (an LSTM projection, (P, H)) h0 and w_hh's columns have the projection's size P."""
    k = GATES[kind]
    if len(x.shape) != 3:
        raise ShapeError(f"op '{name}': input must be (seq_len, batch, input_size), got {x.shape}")
    steps, batch, features = x.shape
    state = h0 if w_hr is None else c0  # the one of size hidden_size
    if len(state.shape) != 2 or state.shape[0] != batch:
        which = "h0" if w_hr is None else "c0"
        raise ShapeError(f"op '{name}': {which} must be (batch={batch}, hidden_size), got {state.shape}")
    hidden = state.shape[1]
    sizes = f"input_size={features}, hidden_size={hidden}"
    expect = {}
    if w_hr is not None:
        if len(w_hr.shape) != 2 or w_hr.shape[1] != hidden or not 0 < w_hr.shape[0] < hidden:
            raise ShapeError(f"op '{name}': weight_hr must be (proj_size, hidden_size={hidden}) with 0 < proj_size "
                             f"< hidden_size, got {w_hr.shape}")
        sizes += f", proj_size={w_hr.shape[0]}"
        expect["h0"] = (h0.shape, (batch, w_hr.shape[0]))
    elif c0 is not None and c0.shape != h0.shape:
        raise ShapeError(f"op '{name}': c0 must have h0's shape {h0.shape}, got {c0.shape}")
    h_size = hidden if w_hr is None else w_hr.shape[0]
    expect.update({"weight_ih": (w_ih.shape, (k * hidden, features)), "weight_hh": (w_hh.shape, (k * hidden, h_size)),
                   "bias_ih": (b_ih.shape, (k * hidden,)), "bias_hh": (b_hh.shape, (k * hidden,))})
    for arg, (got, want) in expect.items():
        if tuple(got) != want:
            raise ShapeError(f"op '{name}': {arg} must be {want} for {sizes}, got {tuple(got)}")
    for arg, spec in (("h0", h0), ("c0", c0), ("weight_ih", w_ih), ("weight_hh", w_hh), ("weight_hr", w_hr)):
        if spec is not None and spec.dtype is not x.dtype:
            raise DtypeError(f"op '{name}': {arg} is {spec.dtype}, the input {x.dtype}; convert one of them")
    if lengths is not None and (len(lengths.shape) != 1 or lengths.shape[0] != batch):
        raise ShapeError(f"op '{name}': lengths must be (batch={batch},), got {lengths.shape}")


def differentiable_backward_wanted():
    """A backward that itself records ops (create_graph=True) runs the layer's decomposition."""
    return _grad_state.enabled


def float_mask(lengths, t, like):
    """(B, 1) tensor of 1.0 where step t is inside the sequence, in like's dtype; None without lengths."""
    if lengths is None:
        return None
    return F.unsqueeze(F.to_dtype(F.gt(lengths, t), like.dtype), 1)


def blend(mask, new, old):
    """new where the mask is 1, old where it is 0 (a padded step keeps the state)."""
    return new if mask is None else F.add(F.mul(mask, new), F.mul(F.rsub(mask, 1.0), old))


def layer_samples(kind, with_lengths=True):
    """Small float64 layers: forward, reverse, and padded sequences (lengths) for the conformance test."""
    k, steps, batch, features, hidden = GATES[kind], 3, 2, 3, 2
    x, h0 = randn(steps, batch, features, seed=1), randn(batch, hidden, seed=2)
    c0 = (randn(batch, hidden, seed=3),) if kind == "lstm" else ()
    weights = (randn(k * hidden, features, seed=4) * 0.6, randn(k * hidden, hidden, seed=5) * 0.6,
               randn(k * hidden, seed=6) * 0.3, randn(k * hidden, seed=7) * 0.3)
    base = (x, h0) + c0 + weights
    samples = [Sample(base, {"reverse": False}), Sample(base, {"reverse": True})]
    if with_lengths:
        lengths = np.array([2, 3], dtype=np.int64)
        samples += [Sample(base + (lengths,), {"reverse": False}), Sample(base + (lengths,), {"reverse": True})]
    return samples


def torch_mask(torch, lengths, t, like):
    return None if lengths is None else (t < lengths).to(like.dtype)[:, None]


def torch_blend(mask, new, old):
    return new if mask is None else mask * new + (1 - mask) * old
