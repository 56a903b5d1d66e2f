"""Lowering a Program to ONNX nodes through each op's export rule (OpDef.onnx)."""
import numpy as np
from onnx import helper

from ...graph.symbolic_sizes import Dim
from ..errors import OnnxExportError
from .capture import COMPOSITE_OF, fill_slots
from .emitter import value_info


def check_rules(program, opset, found=None):
    """Every op of program (and its sub-graphs) that has no rule, or none at this opset."""
    found = {} if found is None else found
    for op, refs, attrs, outs, site in program.nodes:
        rule = op.onnx
        if rule is None:
            found.setdefault(op.name, f"'{op.name}' (created at {site or 'an unknown line'}) has no ONNX export rule")
        elif rule.opset > opset:
            found.setdefault(op.name, f"'{op.name}' exports at opset {rule.opset} or newer, not {opset}")
    for subs in program.subprograms.values():
        for sub in subs:
            check_rules(sub, opset, found)
    return found


def _live_nodes(program):
    live = set(program.outputs)
    keep = set()
    for j in range(len(program.nodes) - 1, -1, -1):
        op, refs, attrs, outs, site = program.nodes[j]
        if any(("n", j, k) in live for k in range(len(outs))):
            keep.add(j)
            live.update(refs)
    return keep


def _fold(program, j, values):
    """The outputs of node j computed now, when all its inputs are known arrays (else None)."""
    op, refs, attrs, outs, site = program.nodes[j]
    if op.random or op.forward is None or op in COMPOSITE_OF or op.device_attr is not None and refs:
        return None
    if any(r not in values for r in refs) or _symbolic(attrs) or any(_symbolic(s) for s, _ in outs):
        return None
    if op.name in ("cond", "while_loop"):
        return None
    try:
        result = op.forward(np, *[values[r] for r in refs], **attrs)
    except Exception:
        return None
    results = result if op.n_outputs != 1 else (result,)
    return [np.asarray(r) for r in results]


def _symbolic(value):
    if isinstance(value, Dim):
        return True
    if isinstance(value, (tuple, list)):
        return any(_symbolic(v) for v in value)
    if isinstance(value, dict):
        return any(_symbolic(v) for v in value.values())
    if isinstance(value, slice):
        return _symbolic((value.start, value.stop, value.step))
    return False


def lower(program, e, input_names, weight_name):
    """Emit program's nodes into emitter e. input_names: one name per program input;
    weight_name(tensor) -> its initializer's name. Returns the output names."""
    names, values = {}, {}
    for i, ((shape, dtype, _), name) in enumerate(zip(program.inputs, input_names)):
        names[("p", i)] = name
        e.set_spec(name, shape, dtype)
    for dim, p, axis in program.symbols:
        e.dim_sources[dim] = (input_names[p], axis)
    for i, t in enumerate(program.weights):
        names[("w", i)] = weight_name(t)
        e.set_spec(names[("w", i)], tuple(t.shape), t.dtype)
    for i, (kind, payload, dtype) in enumerate(program.constants):
        names[("c", i)] = _constant(e, kind, payload, dtype)
        if kind == "array":
            values[("c", i)] = np.asarray(payload if isinstance(payload, np.ndarray) else payload.get())
    keep = _live_nodes(program)
    e.program, e.weight_name = program, weight_name  # what the control-flow rules read (control.py)
    for j, (op, refs, attrs, outs, site) in enumerate(program.nodes):
        if j not in keep:
            continue
        folded = _fold(program, j, values)
        if folded is not None:
            for k, arr in enumerate(folded):
                values[("n", j, k)] = arr
                names[("n", j, k)] = e.const(arr.astype(outs[k][1].np, copy=False))
            continue
        out_names = _apply(e, op, [names[r] for r in refs], attrs, outs, site)
        for k, name in enumerate(out_names):
            names[("n", j, k)] = name
            if name not in e.specs:
                e.set_spec(name, *outs[k])
    return [names[r] for r in program.outputs]


def _constant(e, kind, payload, dtype):
    if kind == "array":
        arr = payload if isinstance(payload, np.ndarray) else payload.get()
        return e.const(np.asarray(arr, dtype=dtype.np))
    if kind == "fill":
        shape, value = payload
        value = value.value({}) if hasattr(value, "value") and not isinstance(value, (int, float)) else value
        if _symbolic(shape):
            fill = helper.make_tensor("value", e.onnx_type(dtype), [1], [value])
            return e.node("ConstantOfShape", [e.ints(shape)], value=fill)
        return e.const(np.full(shape, value, dtype=dtype.np))
    shape = payload  # an arange of a symbolic shape
    numel = e.node("ReduceProd", [e.ints(shape)], keepdims=0)
    flat = e.node("Range", [e.scalar(0, _int64()), numel, e.scalar(1, _int64())])
    return e.cast(e.reshape(flat, shape), dtype)


def _int64():
    from ...backend import dtypes
    return dtypes.int64


def _apply(e, op, ins, attrs, outs, site):
    rule = op.onnx
    composite = COMPOSITE_OF.get(op)
    e.current_outs = outs
    try:
        if composite is not None:
            result = rule.emit(e, **fill_slots(attrs["arguments"], ins))
        elif rule.emit is not None:
            result = rule.emit(e, *ins, **attrs)
        else:
            extra = rule.attrs(**attrs) if rule.attrs is not None else {}
            result = e.node(rule.op_type, ins, outputs=len(outs), **extra)
    except OnnxExportError as exc:
        raise OnnxExportError(f"{exc.args[0]} (op '{op.name}' created at {site or 'an unknown line'})") from None
    result = (result,) if isinstance(result, str) else tuple(result)
    if len(result) < len(outs):
        raise OnnxExportError(f"export: the ONNX rule of '{op.name}' gave {len(result)} outputs for its {len(outs)}")
    return result[:len(outs)]


def subgraph(e, program, input_names, weight_name, name, symbol_names=None):
    """A GraphProto of program lowered in a sub-emitter of e (it reads e's values by name)."""
    sub = e.subgraph()
    outs = lower(program, sub, input_names, weight_name)
    produced = {o for n in sub.nodes for o in n.output}
    final = []
    for out in outs:
        if out not in produced or out in final:  # an outer value, or returned twice: a subgraph computes its outputs
            spec = sub._spec(out)
            out = sub.node("Identity", [out])
            sub.set_spec(out, *spec)
        final.append(out)
    infos = [value_info(o, *sub._spec(o), symbol_names) for o in final]
    return helper.make_graph(sub.nodes, name, [], infos), final


def inline(e, program, input_names, weight_name):
    """Emit program's nodes into e's graph itself (a loop's first test); returns its output names."""
    sub = e.subgraph()
    outs = lower(program, sub, input_names, weight_name)
    e.nodes.extend(sub.nodes)
    e.specs.update(sub.specs)
    return outs
