"""Lowering ug.cond to ONNX If and ug.while_loop to ONNX Loop: their traced sub-graphs become
subgraphs, which read the outer graph's values by name."""
from onnx import TensorProto, helper

from ...backend import dtypes as _dt
from .emitter import value_info
from .lower import inline, lower, subgraph


def if_node(e, token, pred, operands):
    """An If node for the cond node whose sub-graphs are set aside under `token`."""
    program, weight_name, outs = e.program, e.weight_name, e.current_outs
    info, branches = program.wiring[token], program.subprograms[token]
    n = info.branches[0].n_explicit
    graphs = []
    for b, (branch, sub) in enumerate(zip(info.branches, branches)):
        names = list(operands[:n]) + [operands[n + info.index[id(t)]] for t in branch.implicit]
        graph, _ = subgraph(e, sub, names, weight_name, e.names.fresh(("then", "else")[b] + "_branch"))
        graphs.append(graph)
    return e.node("If", [pred], outputs=len(outs), then_branch=graphs[0], else_branch=graphs[1])


def loop_node(e, token, inputs, n):
    """A Loop node for the while_loop node whose test and body are set aside under `token`:
    the first test runs before the loop, the body computes the next state and its test."""
    program, weight_name = e.program, e.weight_name
    info = program.wiring[token]
    test, body = program.subprograms[token]
    state = list(inputs[:n])

    def implicit_of(branch):
        return [inputs[n + info.index[id(t)]] for t in branch.implicit]

    first = inline(e, test, state + implicit_of(info.test), weight_name)[0]
    sub = e.subgraph()
    iteration, cond_in = e.names.fresh("iteration"), e.names.fresh("cond_in")
    carried = [e.names.fresh("carried") for _ in state]
    for name, outer in zip(carried, state):
        sub.set_spec(name, *e._spec(outer))
    new_state = lower(body, sub, carried + implicit_of(info.body), weight_name)
    sub.program, sub.weight_name = body, weight_name
    cond_out = inline(sub, test, list(new_state) + implicit_of(info.test), weight_name)[0]
    if sub.dtype(cond_out) is not _dt.bool_:
        cond_out = sub.cast(cond_out, _dt.bool_)
        sub.set_spec(cond_out, (), _dt.bool_)
    produced = {o for node in sub.nodes for o in node.output}
    outs = []
    for name in [cond_out] + list(new_state):
        if name not in produced or name in outs or name in carried:
            spec = sub._spec(name)
            name = sub.node("Identity", [name])
            sub.set_spec(name, *spec)
        outs.append(name)
    inputs_info = [helper.make_tensor_value_info(iteration, TensorProto.INT64, []),
                   helper.make_tensor_value_info(cond_in, TensorProto.BOOL, [])]
    inputs_info += [value_info(c, *sub._spec(c)) for c in carried]
    graph = helper.make_graph(sub.nodes, e.names.fresh("loop_body"), inputs_info,
                              [value_info(o, *sub._spec(o)) for o in outs])
    cond = first if e.dtype(first) is _dt.bool_ else e.cast(first, _dt.bool_)
    return e.node("Loop", [None, cond] + state, outputs=n, body=graph)
