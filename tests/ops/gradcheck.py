"""Helpers for the conformance test: input conversion and float64 finite differences."""
import numpy as np
import torch

import unigrad as ug
from unigrad.ops.dispatch import dispatch
from unigrad.ops.operands import const

EPS = 1e-6


def _is_float_array(x):
    return isinstance(x, np.ndarray) and x.dtype.kind == "f"


def as_inputs(raw, device, requires_grad=False, dtype=None, only=None):
    out = []
    for i, x in enumerate(raw):
        if isinstance(x, np.ndarray):
            arr = x.astype(dtype) if (dtype is not None and x.dtype.kind == "f") else x
            t = ug.tensor(arr, device=device)
            if requires_grad and _is_float_array(x) and (only is None or i in only):
                t.requires_grad_(True)
            out.append(t)
        else:
            out.append(x)
    return out


def to_torch(raw, dtype=None, requires_grad=()):
    out = []
    for i, x in enumerate(raw):
        if isinstance(x, np.ndarray):
            arr = x.astype(dtype) if (dtype is not None and x.dtype.kind == "f") else x
            t = torch.tensor(arr)
            if i in requires_grad:
                t.requires_grad_(True)
            out.append(t)
        else:
            out.append(x)
    return out


def call_op(op, inputs, attrs):
    """A composite through its function. A primitive through dispatch, on the sample's operands
    and attrs as the op takes them (a Python number becomes a constant of the first tensor's
    dtype, as the op's public function would make it), so the test checks the op itself and the
    public function may keep the signature users know. Random draws and factories, and the ops
    with a variable number of outputs (cond, while_loop, graph_call: their function builds the
    op's attrs from the callables a sample gives), are called through their public function."""
    if op.composite:
        return op.impl(*inputs, **attrs)
    if op.random or op.device_attr is not None or op.n_outputs == -1:
        return op.public(*inputs, **attrs)
    first = next(x for x in inputs if isinstance(x, ug.Tensor))
    operands = tuple(x if isinstance(x, ug.Tensor) else const(x, first.dtype, first.device) for x in inputs)
    return dispatch(op, operands, attrs)


def flatten_outputs(out):
    if isinstance(out, (tuple, list)):
        return [o for item in out for o in flatten_outputs(item)]
    return [out]


def _objective(op, sample, cotangents, device="cpu"):
    def f(raw):
        with ug.no_grad():
            outs = [o for o in flatten_outputs(call_op(op, as_inputs(raw, device), sample.attrs))
                    if o.dtype.is_floating_point]
        return sum(float((o.cpu().numpy().astype(np.float64) * c).sum()) for o, c in zip(outs, cotangents))
    return f


def _fd(f, raw, i):
    base = [x.copy() if isinstance(x, np.ndarray) else x for x in raw]
    grad = np.zeros(raw[i].shape)
    flat = base[i].reshape(-1)
    for k in range(flat.size):
        old = flat[k]
        flat[k] = old + EPS
        plus = f(base)
        flat[k] = old - EPS
        minus = f(base)
        flat[k] = old
        grad.reshape(-1)[k] = (plus - minus) / (2 * EPS)
    return grad


def numeric_grads(op, sample, diff, cotangents):
    f = _objective(op, sample, cotangents)
    return [_fd(f, list(sample.inputs), i) for i in diff]


def numeric_second(op, sample, diff, live, vs, device):
    """Finite differences of x -> <first-order grads(x), v>."""
    def g(raw):
        inputs = as_inputs(raw, device, requires_grad=True, only=sample.diff)
        outs = [o for o in flatten_outputs(call_op(op, inputs, sample.attrs)) if o.requires_grad]
        rng = np.random.default_rng(7)
        cot = [rng.standard_normal(tuple(o.shape)) for o in outs]
        loss = sum((o * ug.tensor(c, device=o.device)).sum() for o, c in zip(outs, cot))
        grads = ug.autograd.grad(loss, [inputs[i] for i in live], allow_unused=True)
        return sum(float((gr.cpu().detach().numpy() * v).sum()) for gr, v in zip(grads, vs) if gr is not None)
    return [_fd(g, list(sample.inputs), i) for i in diff]
