"""Recurrent layers: RNN, GRU, LSTM, with ONNX's gate orders (GRU z r h, LSTM i o f c), both
directions, batch-major layout, sequence lengths, initial states, peepholes, clipping and the
activation functions the spec lists. What PyTorch's layers compute (default activations, no
clip or peepholes, GRU with linear_before_reset) runs on the registry's fused layer ops, one per
direction with a fused backward; anything else is unrolled over the time steps with registry
ops (the input projection of all steps is one GEMM). Either way the model traces, compiles and
trains."""
import numpy as np

from ....ops import api as F
from ..rules import rule
from .common import scalar

_DEFAULTS = {"RNN": ["Tanh"], "GRU": ["Sigmoid", "Tanh"], "LSTM": ["Sigmoid", "Tanh", "Tanh"]}


def _activation(ctx, name, alpha, beta):
    name = name.lower()
    simple = {"sigmoid": F.sigmoid, "tanh": F.tanh, "relu": F.relu}
    if name in simple:
        return simple[name]
    if name == "affine":
        return lambda x: F.add(F.mul(x, scalar(ctx, alpha, x)), scalar(ctx, beta, x))
    if name == "leakyrelu":
        return lambda x: F.leaky_relu(x, alpha)
    if name == "scaledtanh":
        return lambda x: F.mul(F.tanh(F.mul(x, scalar(ctx, beta, x))), scalar(ctx, alpha, x))
    if name == "hardsigmoid":
        return lambda x: F.clamp(F.add(F.mul(x, scalar(ctx, alpha, x)), scalar(ctx, beta, x)), 0.0, 1.0)
    if name == "softsign":
        return lambda x: F.div(x, F.add(F.abs(x), scalar(ctx, 1, x)))
    if name == "softplus":
        return F.softplus
    if name == "elu":
        return lambda x: F.elu(x, alpha)
    if name == "thresholdedrelu":
        return lambda x: F.where(F.gt(x, scalar(ctx, alpha, x)), x, scalar(ctx, 0, x))
    raise ctx.attr_error(f"activation {name!r} is not one ONNX's recurrent ops define")


_ALPHA = {"affine": 1.0, "leakyrelu": 0.01, "scaledtanh": 1.0, "hardsigmoid": 0.2, "elu": 1.0, "thresholdedrelu": 1.0}
_BETA = {"affine": 0.0, "scaledtanh": 1.0, "hardsigmoid": 0.5}


def _activations(ctx, op_type, directions, activations, alpha, beta):
    per = len(_DEFAULTS[op_type])
    names = list(activations) if activations else _DEFAULTS[op_type] * directions
    if len(names) == per:
        names = names * directions
    alpha, beta = list(alpha or []), list(beta or [])
    out = []
    for i, name in enumerate(names):
        key = (name.decode() if isinstance(name, bytes) else name)
        a = alpha[i] if i < len(alpha) else _ALPHA.get(key.lower(), 0.0)
        b = beta[i] if i < len(beta) else _BETA.get(key.lower(), 0.0)
        out.append(_activation(ctx, key, a, b))
    return [out[d * per:(d + 1) * per] for d in range(directions)]


def _step_masks(ctx, lengths, steps, batch, like):
    """Per step a (B, 1) bool mask of the sequences still running, or None without lengths."""
    if lengths is None:
        return None
    lengths = F.to_dtype(lengths, "int64") if lengths.dtype.name != "int64" else lengths
    column = F.reshape(lengths, (batch, 1))
    return [F.gt(column, scalar(ctx, t, column)) for t in range(steps)]


def _recur(ctx, op_type, x, w, r, b, lengths, h0, c0, p, *, activations, clip, hidden, layout, direction,
           linear_before_reset=0, input_forget=0):
    if input_forget:
        raise ctx.attr_error("LSTM with input_forget=1 is not supported")
    x = F.transpose(x, 0, 1) if layout else x  # (T, B, I)
    steps, batch = x.shape[0], x.shape[1]
    dirs = 2 if direction == "bidirectional" else 1
    if h0 is not None and layout:
        h0 = F.transpose(h0, 0, 1)
    if c0 is not None and layout:
        c0 = F.transpose(c0, 0, 1)
    fused = _fused(ctx, op_type, x, w, r, b, lengths, h0, c0, p, activations, clip, direction, dirs,
                   linear_before_reset)
    if fused is not None:
        y, y_h, y_c = fused
    else:
        y, y_h, y_c = _unrolled(ctx, op_type, x, w, r, b, lengths, h0, c0, p, activations, clip, direction, dirs,
                                linear_before_reset, steps, batch)
    if layout:
        y = F.permute(y, dims=(2, 0, 1, 3))
        y_h = F.transpose(y_h, 0, 1)
        y_c = F.transpose(y_c, 0, 1) if y_c is not None else None
    outs = (y, y_h) + ((y_c,) if op_type == "LSTM" else ())
    return outs[:max(ctx.n_outputs, 1)]


# ONNX's gate blocks in PyTorch's order: LSTM i o f c -> i f g o, GRU z r h -> r z n
_TORCH_ORDER = {"LSTM": [0, 2, 3, 1], "GRU": [1, 0, 2], "RNN": [0]}


def _fused(ctx, op_type, x, w, r, b, lengths, h0, c0, p, activations, clip, direction, dirs, linear_before_reset):
    """The registry's fused layer ops (PyTorch's semantics: one op per direction, a fused
    backward) when the node asks for nothing else: default activations (RNN: Tanh or Relu), no
    clip, no peepholes, GRU with linear_before_reset. Else None (unrolled)."""
    from ....ops.recurrent.gru_layer import gru_layer
    from ....ops.recurrent.lstm_layer import lstm_layer
    from ....ops.recurrent.rnn_layer import rnn_layer
    names, alpha, beta = activations
    names = [n.decode() if isinstance(n, bytes) else n for n in (names or [])]
    per = len(_DEFAULTS[op_type])
    nonlinearity = "tanh"
    if op_type == "RNN" and names and all(n.lower() == names[0].lower() for n in names) and \
            names[0].lower() in ("tanh", "relu"):
        nonlinearity, names = names[0].lower(), []
    if names and [n.lower() for n in names] != [d.lower() for d in _DEFAULTS[op_type]] * (len(names) // per):
        return None
    if clip is not None or p is not None or (op_type == "GRU" and not linear_before_reset) or alpha or beta:
        return None
    if not x.dtype.is_floating_point or x.dtype.itemsize < 4:
        return None
    h = w.shape[1] // len(_TORCH_ORDER[op_type])
    batch = x.shape[1]
    if lengths is not None:
        lengths = F.to_dtype(lengths, "int64") if lengths.dtype.name != "int64" else lengths
    ys, hs, cs = [], [], []
    for d in range(dirs):
        def torch_blocks(m):
            blocks = [m[k * h:(k + 1) * h] for k in _TORCH_ORDER[op_type]]
            if isinstance(m, np.ndarray):  # (known weights: reordered once, while importing)
                return ctx.const(np.concatenate(blocks, 0))
            return blocks[0] if len(blocks) == 1 else F.cat(blocks, 0)
        w_ih, w_hh = torch_blocks(w[d]), torch_blocks(r[d])
        gates = len(_TORCH_ORDER[op_type]) * h
        if b is not None:
            b_ih, b_hh = torch_blocks(b[d][:gates]), torch_blocks(b[d][gates:])
        else:
            b_ih = b_hh = ctx.const(np.zeros(gates, x.dtype.np))
        state = h0[d] if h0 is not None else ctx.const(np.zeros((batch, h), x.dtype.np))
        reverse = direction == "reverse" or d == 1
        if op_type == "LSTM":
            cell = c0[d] if c0 is not None else ctx.const(np.zeros((batch, h), x.dtype.np))
            y, hn, cn = lstm_layer(x, state, cell, w_ih, w_hh, b_ih, b_hh, lengths=lengths, reverse=reverse)
            cs.append(cn)
        elif op_type == "GRU":
            y, hn = gru_layer(x, state, w_ih, w_hh, b_ih, b_hh, lengths=lengths, reverse=reverse)
        else:
            y, hn = rnn_layer(x, state, w_ih, w_hh, b_ih, b_hh, lengths=lengths, reverse=reverse,
                              nonlinearity=nonlinearity)
        ys.append(y)
        hs.append(hn)
    return F.stack(ys, 1), F.stack(hs, 0), (F.stack(cs, 0) if op_type == "LSTM" else None)


def _unrolled(ctx, op_type, x, w, r, b, lengths, h0, c0, p, activations, clip, direction, dirs, linear_before_reset,
              steps, batch):
    w, r, b = (ctx.const(v) if isinstance(v, np.ndarray) else v for v in (w, r, b))
    gates = {"RNN": 1, "GRU": 3, "LSTM": 4}[op_type]
    h = w.shape[1] // gates
    masks = _step_masks(ctx, lengths, steps, batch, x)
    acts = _activations(ctx, op_type, dirs, *activations)
    ys, hs, cs = [], [], []
    for d in range(dirs):
        reverse = direction == "reverse" or d == 1
        wd, rd = w[d], r[d]
        bias = b[d] if b is not None else None
        projected = F.matmul(x, F.t(wd))  # (T, B, gates*H): every step's input GEMM at once
        if bias is not None:
            projected = F.add(projected, bias[:gates * h])
        state = h0[d] if h0 is not None else ctx.const(np.zeros((batch, h), x.dtype.np))
        cell = (c0[d] if c0 is not None else ctx.const(np.zeros((batch, h), x.dtype.np))) if op_type == "LSTM" else None
        rbias = bias[gates * h:] if bias is not None else None
        peep = p[d] if p is not None else None
        outputs = [None] * steps
        for t in (range(steps - 1, -1, -1) if reverse else range(steps)):
            new_state, new_cell = _cell(ctx, op_type, projected[t], state, cell, rd, rbias, peep, acts[d], clip, h,
                                        linear_before_reset)
            if masks is not None:
                keep = masks[t]
                outputs[t] = F.where(keep, new_state, scalar(ctx, 0, new_state))
                state = F.where(keep, new_state, state)
                cell = F.where(keep, new_cell, cell) if cell is not None else None
            else:
                outputs[t] = new_state
                state, cell = new_state, new_cell
        ys.append(F.stack(outputs, 0))  # (T, B, H)
        hs.append(state)
        cs.append(cell)
    y = F.stack(ys, 1)  # (T, dirs, B, H)
    return y, F.stack(hs, 0), (F.stack(cs, 0) if op_type == "LSTM" else None)


def _clip(ctx, x, clip):
    return F.clamp(x, -float(clip), float(clip)) if clip is not None else x


def _cell(ctx, op_type, xw, state, cell, r, rbias, peep, acts, clip, h, linear_before_reset):
    """One time step: (new hidden state, new cell state or None)."""
    if op_type == "RNN":
        pre = F.add(xw, F.matmul(state, F.t(r)))
        pre = F.add(pre, rbias) if rbias is not None else pre
        return acts[0](_clip(ctx, pre, clip)), None
    if op_type == "GRU":
        f, g = acts
        rz = F.matmul(state, F.t(r[:2 * h]))
        rz = F.add(rz, rbias[:2 * h]) if rbias is not None else rz
        z = f(_clip(ctx, F.add(xw[:, :h], rz[:, :h]), clip))
        reset = f(_clip(ctx, F.add(xw[:, h:2 * h], rz[:, h:]), clip))
        rh = r[2 * h:]
        if linear_before_reset:
            recur = F.matmul(state, F.t(rh))
            recur = F.add(recur, rbias[2 * h:]) if rbias is not None else recur
            recur = F.mul(reset, recur)
        else:
            recur = F.matmul(F.mul(reset, state), F.t(rh))
            recur = F.add(recur, rbias[2 * h:]) if rbias is not None else recur
        candidate = g(_clip(ctx, F.add(xw[:, 2 * h:], recur), clip))
        one = scalar(ctx, 1, z)
        return F.add(F.mul(F.sub(one, z), candidate), F.mul(z, state)), None
    f, g, hact = acts
    pre = F.add(xw, F.matmul(state, F.t(r)))
    pre = F.add(pre, rbias) if rbias is not None else pre
    i_pre, o_pre, f_pre, c_pre = pre[:, :h], pre[:, h:2 * h], pre[:, 2 * h:3 * h], pre[:, 3 * h:]
    if peep is not None:
        i_pre = F.add(i_pre, F.mul(peep[:h], cell))
        f_pre = F.add(f_pre, F.mul(peep[2 * h:], cell))
    i = f(_clip(ctx, i_pre, clip))
    forget = f(_clip(ctx, f_pre, clip))
    c = g(_clip(ctx, c_pre, clip))
    new_cell = F.add(F.mul(forget, cell), F.mul(i, c))
    if peep is not None:
        o_pre = F.add(o_pre, F.mul(peep[h:2 * h], new_cell))
    o = f(_clip(ctx, o_pre, clip))
    return F.mul(o, hact(new_cell)), new_cell


def _recurrent_rule(op_type):
    @rule(op_type, since=7, known=(1, 2, 3))  # (weights as arrays when known: reordered while importing)
    def recurrent(ctx, x, w, r, b=None, sequence_lens=None, initial_h=None, initial_c=None, p=None, *,
                  activation_alpha=None, activation_beta=None, activations=None, clip=None, direction="forward",
                  hidden_size=None, layout=0, linear_before_reset=0, input_forget=0):
        direction = direction.decode() if isinstance(direction, bytes) else direction
        return _recur(ctx, op_type, x, w, r, b, sequence_lens, initial_h, initial_c, p,
                      activations=(activations, activation_alpha, activation_beta), clip=clip, hidden=hidden_size,
                      layout=layout, direction=direction, linear_before_reset=linear_before_reset,
                      input_forget=input_forget)
    return recurrent


_recurrent_rule("RNN")
_recurrent_rule("GRU")
_recurrent_rule("LSTM")
