"""Trace a model or function for export, at one input shape or, for dynamic axes, at three, and
turn the traces into a Program (symbolic sizes where the dynamic axes vary).

ug.cond and ug.while_loop nodes hold sub-graphs traced at each size; they are set aside as tokens
so the outer graphs generalise, and their sub-graphs are generalised the same way, trace by trace.
"""
import numpy as np

from ...backend.device import cpu
from ...core.grad_mode import no_grad
from ...core.tensor import Tensor
from ...graph.generalize import fingerprint, generalize
from ...graph.structure import flatten
from ...graph.symbolic_sizes import NotGeneric
from ...graph.tracer import Tracer, tracing
from ..errors import OnnxExportError
from .capture import composites_as_nodes
from .program import SUBGRAPH_OPS, from_generic, from_graph


def trace_once(fn, inputs, what, opset):
    """(Graph, output structure) of fn(*inputs), composites with ONNX rules recorded as nodes."""
    tensors = []
    flatten(list(inputs), tensors)
    tracer = Tracer(tensors[0].device if tensors else cpu)
    for i, t in enumerate(tensors):
        tracer.placeholder(t, f"in{i}")
    with no_grad(), composites_as_nodes(opset), tracing(tracer):
        result = fn(*inputs)
    if tracer.value_reads:
        raise OnnxExportError(f"export: {what} reads tensor values into Python at "
                              f"{', '.join(dict.fromkeys(tracer.value_reads))} (an `if`, float(), .item() or print "
                              "on a computed tensor), so a graph would keep the values of this one call; use "
                              "ug.cond / ug.while_loop for control flow that depends on data")
    out_tensors = []
    out_spec = flatten(result, out_tensors)
    if not out_tensors:
        raise OnnxExportError(f"export: {what} returned no tensors ({type(result).__name__}); an ONNX graph needs "
                              "at least one output")
    graph = tracer.graph
    graph.outputs = [tracer.output(t) for t in out_tensors]
    tracer.finish(tensors)
    if graph.effects:
        raise OnnxExportError(f"export: {what} writes into {len(graph.effects)} tensor(s) it does not return "
                              "(state updated in place, e.g. BatchNorm statistics in training mode); ONNX graphs hold "
                              "no state: export the model in eval mode")
    if graph.bindings:
        raise OnnxExportError(f"export: {what} changes an input in place; ONNX graphs cannot, return the new value")
    return graph, out_spec


def _set_aside(graph, prefix, table):
    """Replace the sub-graph attrs of each cond/while_loop node by a token (attrs saved in table)."""
    k = 0
    for node in graph.nodes:
        if node.op.name in SUBGRAPH_OPS:
            token = f"{prefix}{k}"
            k += 1
            table[token] = node.attrs
            node.attrs = {**{a: v for a, v in node.attrs.items() if a not in ("branches", "loops")}, "sub": token}


def _sub_graphs(attrs):
    info = attrs.get("branches") or attrs.get("loops")
    if "branches" in attrs:
        return info, [b.plan.graph for b in info.branches]
    return info, [info.test.plan.graph, info.body.plan.graph]


def program_of(graphs, prefix="s"):
    """A Program covering the traces `graphs` (one concrete graph, or traces that differ in sizes)."""
    tables = [{} for _ in graphs]
    for g, table in zip(graphs, tables):
        _set_aside(g, prefix, table)
    subprograms, wiring = {}, {}
    for token, attrs in tables[0].items():
        info, subs = _sub_graphs(attrs)
        per_trace = [_sub_graphs(t[token])[1] for t in tables]
        wiring[token] = info
        subprograms[token] = [program_of([traces[b] for traces in per_trace], f"{token}.{b}.")
                              for b in range(len(subs))]
    if len(graphs) == 1 or _same_input_shapes(graphs):
        return from_graph(graphs[0], subprograms, wiring)
    return from_generic(_generalise(graphs), subprograms, wiring)


def _same_input_shapes(graphs):
    return all([v.shape for v in g.placeholders] == [v.shape for v in graphs[0].placeholders] for g in graphs)


def _generalise(graphs):
    """A GenericGraph fitted to all but the last trace and confirmed by the last."""
    try:
        generic = generalize(graphs[:-1])
        last = graphs[-1]
        if fingerprint(generic.instantiate([v.shape for v in last.placeholders])) == fingerprint(last):
            return generic
        generic = generalize(graphs)
        reason = "the graph fitted to two traces does not predict a third"
    except NotGeneric as exc:
        reason = str(exc)
    raise OnnxExportError(f"export: the traces at different sizes of the dynamic axes are not one graph up to sizes "
                          f"({reason}); export without dynamic_axes, or make the code's structure independent of "
                          "those sizes")


def resized(inputs, axes_sizes):
    """The inputs with each (input index, axis) resized to its new size by repeating its entries."""
    out = list(inputs)
    for (i, axis), size in axes_sizes.items():
        t = out[i]
        rows = np.arange(size) % max(t.shape[axis], 1)
        with no_grad():
            data = t.device.xp.take(t._data, t.device.xp.asarray(rows), axis=axis)
            out[i] = Tensor._make(data, t.device, t.dtype)
    return out


def dynamic_traces(fn, inputs, dynamic, what, opset):
    """Three traces of fn: at the example sizes and with each named dynamic size grown twice.
    `dynamic`: {(flat input index, axis): name}. Returns the graphs and the output structure."""
    names = sorted(set(dynamic.values()))
    sizes = {}
    for (i, axis), name in dynamic.items():
        size = inputs[i].shape[axis]
        if sizes.setdefault(name, size) != size:
            raise OnnxExportError(f"export: dynamic axis name {name!r} is given to dimensions of different sizes "
                                  f"({sizes[name]} and {size}); one name stands for one size")
    graphs = []
    out_spec = None
    for step in range(3):
        grow = {name: (0, 1 + j, 3 + 2 * j)[step] for j, name in enumerate(names)}
        args = resized(inputs, {key: sizes[name] + grow[name] for key, name in dynamic.items()}) if step else inputs
        graph, spec = trace_once(fn, args, what, opset)
        if out_spec is not None and repr(spec) != repr(out_spec):
            raise OnnxExportError(f"export: {what} returns a different structure at other sizes of its dynamic axes")
        out_spec = spec
        graphs.append(graph)
    return graphs, out_spec
