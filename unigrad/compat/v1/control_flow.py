"""tf.cond and tf.while_loop: decided when the graph runs, through ug.cond and ug.while_loop.

Each branch or body function builds its ops when tf.cond / tf.while_loop is called, as in
TensorFlow; the nodes it creates are recorded and evaluated only inside the branch or loop
iteration. The node's inputs are the predicate (or initial loop values) and the outside tensors
the functions read, so compiled session runs keep a graph-level conditional or loop and eager
runs evaluate only what is taken.
"""
from ...errors import InvalidArgumentError
from ...graph.control_flow import cond as ug_cond, while_loop as ug_while_loop
from ...ops import api as F
from .graph import Tensor, get_default_graph
from .ops import convert_to_tensor


def _build(branch_fn, graph, *args):
    saved, graph.recording = graph.recording, []
    try:
        out = branch_fn(*args)
    finally:
        nodes, graph.recording = graph.recording, saved
        if saved is not None:
            saved.extend(nodes)
    single = not isinstance(out, (list, tuple))
    outs = [convert_to_tensor(o) for o in ([out] if single else out)]
    return nodes, outs, single


def _evaluate(nodes, outs, outer, values):
    """The branch's outputs, its nodes (created in dependency order) run on the outside values."""
    from .session import _evaluate as evaluate_nodes
    return evaluate_nodes(nodes, outs, {id(n): v for n, v in zip(outer, values)})


def _outside(nodes, outs, own):
    """The tensors `nodes` read (or `outs` are) that were made outside them and are not `own`."""
    inside = {id(n) for n in nodes} | {id(n) for n in own}
    outer, seen = [], set()
    for i in [i for node in nodes for i in node.inputs] + list(outs):
        if id(i) not in inside and id(i) not in seen:
            seen.add(id(i))
            outer.append(i)
    return outer


def cond(pred, true_fn, false_fn, name="cond"):
    graph = get_default_graph()
    pred = convert_to_tensor(pred)
    true_nodes, true_outs, single = _build(true_fn, graph)
    false_nodes, false_outs, _ = _build(false_fn, graph)
    if len(true_outs) != len(false_outs):
        raise InvalidArgumentError(f"tf.cond: the branches return {len(true_outs)} and {len(false_outs)} values")
    outer = _outside(true_nodes + false_nodes, true_outs + false_outs, ())

    def fn(pred_value, *values):
        def branch(nodes, outs):
            return lambda *vals: _evaluate(nodes, outs, outer, vals)
        result = ug_cond(F.reshape(pred_value, ()), branch(true_nodes, true_outs), branch(false_nodes, false_outs),
                         *values)
        return tuple(result) if isinstance(result, (list, tuple)) else (result,)
    node = Tensor("op", [pred] + outer, fn, name, true_outs[0].dtype)
    outs = [Tensor("op", [node], lambda t, i=i: t[i], f"{node.name}/output_{i}", t.dtype,
                   t._shape if t._shape == f._shape else None)
            for i, (t, f) in enumerate(zip(true_outs, false_outs))]
    return outs[0] if single else outs


def while_loop(cond, body, loop_vars, name="while", **unused):
    """Repeat loop_vars = body(*loop_vars) while cond(*loop_vars); returns the final loop_vars."""
    graph = get_default_graph()
    single = not isinstance(loop_vars, (list, tuple))
    initial = [convert_to_tensor(v) for v in ([loop_vars] if single else loop_vars)]

    def unfed():
        raise InvalidArgumentError("internal: a tf.while_loop variable was evaluated outside its loop")
    own = [Tensor("loop_var", [], unfed, f"{name}/var_{i}", v.dtype, v._shape) for i, v in enumerate(initial)]
    test_nodes, test_outs, _ = _build(cond, graph, *own)
    body_nodes, body_outs, body_single = _build(body, graph, *own)
    if len(body_outs) != len(own):
        raise InvalidArgumentError(f"tf.while_loop: the body returns {len(body_outs)} values for {len(own)} loop "
                                   "variables")
    outer = _outside(test_nodes + body_nodes, test_outs + body_outs, own)
    bound = own + outer
    n = len(own)

    def fn(*values):
        start, outside = values[:n], values[n:]

        def test(*state):
            return _evaluate(test_nodes, test_outs, bound, state + outside)[0]

        def step(*state):
            return _evaluate(body_nodes, body_outs, bound, state + outside)
        result = ug_while_loop(test, step, start)
        return tuple(result) if isinstance(result, (list, tuple)) else (result,)  # one variable: a tensor
    node = Tensor("op", initial + outer, fn, name, initial[0].dtype)
    outs = [Tensor("op", [node], lambda t, i=i: t[i], f"{node.name}/exit_{i}", v.dtype, v._shape)
            for i, v in enumerate(initial)]
    return outs[0] if single else outs
