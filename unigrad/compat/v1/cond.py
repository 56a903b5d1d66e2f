"""tf.cond: the branch taken is decided when the graph runs, through ug.cond.

Each branch function builds its ops when tf.cond is called, as in TensorFlow; the nodes it
creates are recorded and evaluated only inside the branch. The cond node's inputs are the
predicate and the outside tensors the branches read, so compiled session runs keep both branches
as a graph-level conditional (ug.cond) and eager runs evaluate only the branch taken.
"""
from ...errors import InvalidArgumentError
from ...graph.control_flow import cond as ug_cond
from ...ops import api as F
from .graph import Tensor, get_default_graph
from .ops import convert_to_tensor


def _build(branch_fn, graph):
    saved, graph.recording = graph.recording, []
    try:
        out = branch_fn()
    finally:
        nodes, graph.recording = graph.recording, saved
        if saved is not None:
            saved.extend(nodes)
    single = not isinstance(out, (list, tuple))
    outs = [convert_to_tensor(o) for o in ([out] if single else out)]
    return nodes, outs, single


def _evaluate(nodes, outs, outer, values):
    memo = {id(n): v for n, v in zip(outer, values)}
    for node in nodes:  # created in dependency order
        if id(node) not in memo:
            memo[id(node)] = node.fn(*[memo[id(i)] for i in node.inputs])
    return tuple(memo[id(o)] for o in outs)


def cond(pred, true_fn, false_fn, name="cond"):
    graph = get_default_graph()
    pred = convert_to_tensor(pred)
    true_nodes, true_outs, single = _build(true_fn, graph)
    false_nodes, false_outs, _ = _build(false_fn, graph)
    if len(true_outs) != len(false_outs):
        raise InvalidArgumentError(f"tf.cond: the branches return {len(true_outs)} and {len(false_outs)} values")
    inside = {id(n) for n in true_nodes + false_nodes}
    outer, seen = [], set()
    for node in true_nodes + false_nodes:
        for i in node.inputs:
            if id(i) not in inside and id(i) not in seen:
                seen.add(id(i))
                outer.append(i)
    for o in true_outs + false_outs:  # a branch may return an outside tensor itself
        if id(o) not in inside and id(o) not in seen:
            seen.add(id(o))
            outer.append(o)

    def fn(pred_value, *values):
        def branch(nodes, outs):
            return lambda *vals: _evaluate(nodes, outs, outer, vals)
        result = ug_cond(F.reshape(pred_value, ()), branch(true_nodes, true_outs), branch(false_nodes, false_outs),
                         *values)
        return tuple(result) if isinstance(result, (list, tuple)) else (result,)
    node = Tensor("op", [pred] + outer, fn, name, true_outs[0].dtype)
    outs = [Tensor("op", [node], lambda t, i=i: t[i], f"{node.name}/output_{i}", t.dtype,
                   t.shape if t.shape == f.shape else None)
            for i, (t, f) in enumerate(zip(true_outs, false_outs))]
    return outs[0] if single else outs
