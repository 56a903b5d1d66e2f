"""Control flow: If, Loop, Scan. Decided while importing when the condition or trip count is
known; otherwise If becomes ug.cond (both branches compiled, chosen at run time) where its
branches agree in shapes, and Loop runs its body while its condition holds (reading the
condition, so a compiled caller runs eagerly)."""
import numpy as np

from ....core.trace_hook import state
from ....errors import InvalidArgumentError, ShapeError, UnigradError
from ....graph.control_flow import cond as ug_cond
from ....ops import api as F
from ..rules import rule
from .common import axis_of


def _as_bool(ctx, pred):
    if isinstance(pred, np.ndarray):
        return bool(pred.reshape(-1)[0])
    return bool(ctx.value(pred).reshape(-1)[0])


@rule("If", since=1, sequence_inputs=True, known=(0,))
def if_(ctx, cond, *, then_branch, else_branch):
    if isinstance(cond, np.ndarray) or not state.tracer.active:
        branch = then_branch if _as_bool(ctx, cond) else else_branch
        return tuple(ctx.subgraph(branch, []))
    pred = F.reshape(cond, ()) if cond.ndim else cond
    if pred.dtype.name != "bool":
        pred = F.ne(pred, 0)
    try:
        outs = ug_cond(pred, lambda: _branch_outputs(ctx, then_branch), lambda: _branch_outputs(ctx, else_branch))
    except (ShapeError, InvalidArgumentError, UnigradError, _NotTensors):
        branch = then_branch if _as_bool(ctx, cond) else else_branch  # branches differ: decided by the value
        return tuple(ctx.subgraph(branch, []))
    return outs if isinstance(outs, tuple) else (outs,)


class _NotTensors(Exception):
    pass


def _branch_outputs(ctx, graph):
    outs = ctx.subgraph(graph, [])
    if not all(hasattr(o, "shape") and not isinstance(o, (list, np.ndarray)) for o in outs):
        raise _NotTensors()
    return tuple(outs)


@rule("Loop", since=1, sequence_inputs=True, fold=False, known=(0, 1))
def loop(ctx, trip_count, cond, *initial, body):
    limit = None if trip_count is None else int(ctx.value(trip_count).reshape(-1)[0])
    keep_going = True if cond is None else _as_bool(ctx, cond)
    n = len(initial)
    carried = list(initial)
    scans = []
    i = 0
    cond_value = np.asarray(keep_going)
    while keep_going and (limit is None or i < limit):
        outs = ctx.subgraph(body, [np.asarray(i, dtype=np.int64), cond_value] + carried)
        cond_out, carried, scan_out = outs[0], outs[1:1 + n], outs[1 + n:]
        scans.append(scan_out)
        keep_going = _as_bool(ctx, cond_out)
        cond_value = np.asarray(keep_going)
        i += 1
    n_scans = len(body.outputs) - 1 - n
    stacked = []
    for k in range(n_scans):
        parts = [s[k] for s in scans]
        if parts:
            stacked.append(F.stack(parts, 0))
        else:
            stacked.append(_empty_scan(ctx, n + k))
    return tuple(carried) + tuple(stacked)


def _empty_scan(ctx, k):
    """A scan output of a loop that ran no iteration: empty, of the declared element type."""
    from ...dtypes import to_unigrad
    t = ctx.output_type(k)
    dtype = to_unigrad(t.tensor_type.elem_type) if t is not None and t.tensor_type.elem_type else None
    dims = [d.dim_value for d in t.tensor_type.shape.dim[1:]] if t is not None else []
    return F.zeros((0,) + tuple(dims), dtype=dtype or "float32", device=ctx.device)


@rule("Scan", since=9, sequence_inputs=True, fold=False)
def scan(ctx, *inputs, body, num_scan_inputs, scan_input_axes=None, scan_input_directions=None,
         scan_output_axes=None, scan_output_directions=None):
    n_state = len(inputs) - num_scan_inputs
    state_values, sequences = list(inputs[:n_state]), list(inputs[n_state:])
    in_axes = [axis_of(a, s.ndim) for a, s in zip(scan_input_axes or [0] * num_scan_inputs, sequences)]
    in_dirs = scan_input_directions or [0] * num_scan_inputs
    length = sequences[0].shape[in_axes[0]] if sequences else 0
    outputs = []
    for t in range(length):
        steps = []
        for seq, axis, direction in zip(sequences, in_axes, in_dirs):
            index = length - 1 - t if direction else t
            steps.append(F.getitem(seq, (slice(None),) * axis + (index,)))
        outs = ctx.subgraph(body, state_values + steps)
        state_values = outs[:n_state]
        outputs.append(outs[n_state:])
    n_out = len(body.outputs) - n_state
    out_dirs = scan_output_directions or [0] * n_out
    results = []
    for k in range(n_out):
        parts = [o[k] for o in outputs]
        if out_dirs[k]:
            parts = parts[::-1]
        axis = (scan_output_axes or [0] * n_out)[k]
        stacked = F.stack(parts, 0)
        if axis:
            stacked = F.movedim(stacked, 0, axis_of(axis, stacked.ndim))
        results.append(stacked)
    return tuple(state_values) + tuple(results)


@rule("Scan", since=8, sequence_inputs=True, fold=False)
def scan_batched(ctx, sequence_lens, *inputs, body, num_scan_inputs, directions=None):
    """Scan-8: a batch dim first; each batch entry runs its own scan."""
    batch = inputs[0].shape[0]
    per_batch = []
    for b in range(batch):
        entry = [F.getitem(x, (b,)) for x in inputs]
        per_batch.append(scan(ctx, *entry, body=body, num_scan_inputs=num_scan_inputs,
                              scan_input_directions=directions))
    return tuple(F.stack([p[k] for p in per_batch], 0) for k in range(len(per_batch[0])))
