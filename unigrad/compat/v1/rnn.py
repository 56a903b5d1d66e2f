"""tf.nn.static_rnn, tf.nn.dynamic_rnn and their bidirectional forms over tf.nn.rnn_cell cells.

static_rnn unrolls the cell over a Python list of step inputs when the graph is built (one node
per step, as in TF). dynamic_rnn is one node whose function runs the cell's step over the time
steps of the value it is given, so the sequence length need not be known when the graph is built
(compiled runs keep one graph per length seen). With `sequence_length`, outputs past a row's
length are zero and its state stops changing there, as in TF.
"""
from ...errors import InvalidArgumentError
from ...ops import api as F
from . import nest
from .graph import Tensor
from .ops import concat, convert_to_tensor, shape_of
from .variable_scope import VariableScope, variable_scope


def _scope(scope, default):
    """A variable scope given as a VariableScope, a name, or None (`default`)."""
    if isinstance(scope, VariableScope):
        return variable_scope(scope)
    return variable_scope(scope if scope is not None else default)


def _alive(length, t, like):
    """(batch, 1) ones for the rows whose length is more than t, zeros for the others."""
    return F.unsqueeze(F.to_dtype(F.gt(length, t), like.dtype), -1)


def _mask_step(length, t, out, new_state, old_state):
    alive = _alive(length, t, out)
    keep = [F.add(F.mul(n, alive), F.mul(o, F.rsub(alive, 1.0))) for n, o in zip(new_state, old_state)]
    return F.mul(out, alive), keep


def _initial_leaves(cell, initial_state, batch, dtype, what):
    if initial_state is not None:
        return [convert_to_tensor(s) for s in nest.flatten(initial_state)], initial_state
    if dtype is None:
        raise InvalidArgumentError(f"{what}: give initial_state or dtype (the state's dtype)")
    state = cell.zero_state(batch, dtype)
    return nest.flatten(state), state


def _batch_of(x, axis):
    return x._shape[axis] if x._shape is not None and x._shape[axis] is not None else shape_of(x)[axis]


def static_rnn(cell, inputs, initial_state=None, dtype=None, sequence_length=None, scope=None):
    """(outputs, state): the cell applied to each tensor of the list `inputs` in turn."""
    if isinstance(inputs, Tensor) or not inputs:
        raise InvalidArgumentError("static_rnn takes a non-empty list of [batch, depth] tensors, one per step "
                                   "(tf.unstack(x, num_steps, 1) makes it from [batch, steps, depth])")
    inputs = [convert_to_tensor(x) for x in inputs]
    with _scope(scope, "rnn"):
        leaves, state = _initial_leaves(cell, initial_state, _batch_of(inputs[0], 0), dtype, "static_rnn")
        length = convert_to_tensor(sequence_length) if sequence_length is not None else None
        outputs = []
        for t, x in enumerate(inputs):
            out, new_state = cell(x, state)
            if length is not None:
                out, new_state = _masked(length, t, out, new_state, state)
            outputs.append(out)
            state = new_state
    return outputs, state


def _masked(length, t, out, new_state, old_state):
    """Step t's output and state as graph tensors: zero output and the old state for the rows
    whose length is t or less."""
    old, new = nest.flatten(old_state), nest.flatten(new_state)
    n = len(old)

    def fn(ln, o, *states):
        masked_out, kept = _mask_step(ln, t, o, states[:n], states[n:])
        return (masked_out,) + tuple(kept)
    node = Tensor("op", [length, out] + new + old, fn, "rnn/mask", out.dtype, None)
    out = Tensor("op", [node], lambda r: r[0], "rnn/output", out.dtype, out._shape)
    leaves = [Tensor("op", [node], lambda r, i=i: r[i + 1], "rnn/state", v.dtype, v._shape) for i, v in enumerate(new)]
    return out, nest.pack_sequence_as(new_state, leaves)


def _run_over_time(cell, x, length, leaves, params, time_major, reverse=False):
    """The cell's step over the time axis of x: (outputs stacked on that axis, final state leaves)."""
    axis = 0 if time_major else 1
    steps = x.shape[axis]
    if steps == 0:
        raise InvalidArgumentError("dynamic_rnn: the inputs have no time steps")
    state, outputs = list(leaves), [None] * steps
    for t in (range(steps - 1, -1, -1) if reverse else range(steps)):
        xt = x[t] if time_major else x[:, t]
        out, new_state = cell.step(xt, state, params)
        if length is not None:
            out, new_state = _mask_step(length, t, out, new_state, state)
        outputs[t], state = out, list(new_state)
    return F.stack(outputs, axis), state


def dynamic_rnn(cell, inputs, sequence_length=None, initial_state=None, dtype=None, parallel_iterations=None,
                swap_memory=False, time_major=False, scope=None):
    """(outputs, state): outputs [batch, time, cell.output_size] ([time, batch, ...] if time_major)
    and the final state, the cell run over every time step of `inputs`."""
    x = convert_to_tensor(inputs)
    if x._shape is None or len(x._shape) != 3:
        raise InvalidArgumentError(f"dynamic_rnn takes inputs of shape [batch, time, depth] (or [time, batch, depth] "
                                   f"with time_major=True), got {x.shape}")
    batch_axis = 1 if time_major else 0
    with _scope(scope, "rnn"):
        leaves, state = _initial_leaves(cell, initial_state, _batch_of(x, batch_axis), dtype, "dynamic_rnn")
        cell.ensure_built(x._shape[-1], x.dtype)
        return _dynamic_node(cell, x, sequence_length, leaves, state, time_major, "rnn")


def _dynamic_node(cell, x, sequence_length, leaves, state, time_major, name, reverse=False):
    params = cell.params()
    length = [convert_to_tensor(sequence_length)] if sequence_length is not None else []
    n_state = len(leaves)

    def fn(xv, *values):
        ln = values[0] if length else None
        rest = values[len(length):]
        outs, final = _run_over_time(cell, xv, ln, rest[:n_state], list(rest[n_state:]), time_major, reverse)
        return (outs,) + tuple(final)
    node = Tensor("random" if cell.random else "op", [x] + length + leaves + params, fn, name, x.dtype, None)
    shape = list(x._shape[:2]) + [cell.output_size]
    outputs = Tensor("op", [node], lambda r: r[0], f"{node.name}/outputs", x.dtype, tuple(shape))
    batch = x._shape[1 if time_major else 0]
    final = [Tensor("op", [node], lambda r, i=i: r[i + 1], f"{node.name}/state_{i}", x.dtype, (batch, size))
             for i, size in enumerate(nest.flatten(cell.state_size))]
    return outputs, nest.pack_sequence_as(state, final)


def bidirectional_dynamic_rnn(cell_fw, cell_bw, inputs, sequence_length=None, initial_state_fw=None,
                              initial_state_bw=None, dtype=None, parallel_iterations=None, swap_memory=False,
                              time_major=False, scope=None):
    """((outputs_fw, outputs_bw), (state_fw, state_bw)): cell_bw runs over each row's steps in reverse
    (only its first sequence_length steps, when given) and its outputs are given in input order."""
    x = convert_to_tensor(inputs)
    batch_axis = 1 if time_major else 0
    with _scope(scope, "bidirectional_rnn"):
        with variable_scope("fw"):
            fw = _directional(cell_fw, x, sequence_length, initial_state_fw, dtype, time_major, batch_axis, False)
        with variable_scope("bw"):
            bw = _directional(cell_bw, x, sequence_length, initial_state_bw, dtype, time_major, batch_axis, True)
    return (fw[0], bw[0]), (fw[1], bw[1])


def _directional(cell, x, sequence_length, initial_state, dtype, time_major, batch_axis, backward):
    leaves, state = _initial_leaves(cell, initial_state, _batch_of(x, batch_axis), dtype,
                                    "bidirectional_dynamic_rnn")
    cell.ensure_built(x._shape[-1], x.dtype)
    if not backward:
        return _dynamic_node(cell, x, sequence_length, leaves, state, time_major, "fw")
    if sequence_length is None:  # every row runs over all steps: the step loop runs from the end
        return _dynamic_node(cell, x, None, leaves, state, time_major, "bw", reverse=True)
    reversed_x = reverse_sequence(x, sequence_length, 0 if time_major else 1, batch_axis)
    outputs, final = _dynamic_node(cell, reversed_x, sequence_length, leaves, state, time_major, "bw")
    return reverse_sequence(outputs, sequence_length, 0 if time_major else 1, batch_axis), final


def reverse_sequence(input, seq_lengths, seq_axis=None, batch_axis=None, name=None, seq_dim=None, batch_dim=None):
    """Each row's first seq_lengths[row] entries along seq_axis reversed, the rest as they were."""
    x, lengths = convert_to_tensor(input), convert_to_tensor(seq_lengths)
    seq_axis = seq_axis if seq_axis is not None else seq_dim
    batch_axis = batch_axis if batch_axis is not None else (batch_dim or 0)

    def fn(v, ln):
        steps = v.shape[seq_axis]
        t = F.arange(steps, device=v.device)
        ln = F.unsqueeze(F.to_dtype(ln, "int64"), 1)  # (batch, 1)
        index = F.where(F.lt(t, ln), F.sub(F.sub(ln, 1), t), F.broadcast_to(F.unsqueeze(t, 0), (ln.shape[0], steps)))
        # index (batch, steps) placed on the batch and sequence axes of v
        shape = [1] * v.ndim
        shape[batch_axis], shape[seq_axis] = v.shape[batch_axis], steps
        if batch_axis > seq_axis:
            index = F.permute(index, (1, 0))
        index = F.broadcast_to(F.reshape(index, tuple(shape)), tuple(v.shape))
        return F.gather(v, seq_axis, index)
    return Tensor("op", [x, lengths], fn, name or "ReverseSequence", x.dtype, x._shape)


def static_bidirectional_rnn(cell_fw, cell_bw, inputs, initial_state_fw=None, initial_state_bw=None, dtype=None,
                             sequence_length=None, scope=None):
    """(outputs, state_fw, state_bw): outputs[t] is concat(fw output t, bw output t) on the last axis."""
    if isinstance(inputs, Tensor) or not inputs:
        raise InvalidArgumentError("static_bidirectional_rnn takes a non-empty list of [batch, depth] tensors")
    with _scope(scope, "bidirectional_rnn"):
        with variable_scope("fw") as fw_scope:
            out_fw, state_fw = static_rnn(cell_fw, inputs, initial_state_fw, dtype, sequence_length, scope=fw_scope)
        with variable_scope("bw") as bw_scope:
            if sequence_length is None:
                reversed_inputs = list(reversed(inputs))
            else:
                stacked = Tensor("op", [convert_to_tensor(i) for i in inputs], lambda *vs: F.stack(vs, 1), "stack",
                                 inputs[0].dtype)
                flipped = reverse_sequence(stacked, sequence_length, 1, 0)
                reversed_inputs = [Tensor("op", [flipped], lambda v, t=t: v[:, t], "unstack", flipped.dtype,
                                          inputs[0]._shape) for t in range(len(inputs))]
            out_bw, state_bw = static_rnn(cell_bw, reversed_inputs, initial_state_bw, dtype, sequence_length,
                                          scope=bw_scope)
    if sequence_length is None:
        out_bw = list(reversed(out_bw))
    else:
        stacked = Tensor("op", out_bw, lambda *vs: F.stack(vs, 1), "stack", out_bw[0].dtype)
        flipped = reverse_sequence(stacked, sequence_length, 1, 0)
        out_bw = [Tensor("op", [flipped], lambda v, t=t: v[:, t], "unstack", flipped.dtype, out_bw[t]._shape)
                  for t in range(len(out_bw))]
    return [concat([f, b], 1) for f, b in zip(out_fw, out_bw)], state_fw, state_bw
