"""What the exporter lowers: a graph whose sizes may be symbolic, in one shape for every source.

A traced Graph, a shape-generic GenericGraph (graph/generalize.py) and the graphs inside
ug.cond / ug.while_loop nodes all become Programs: inputs, weights, constants and nodes
addressed by refs ("p", i), ("w", i), ("c", i), ("n", j, k), as GenericGraph has them.
"""
SUBGRAPH_OPS = ("cond", "while_loop")


class Program:
    def __init__(self, device=None):
        self.device = device
        self.inputs = []       # (shape, dtype, name)
        self.weights = []      # Tensors read live (parameters, buffers)
        self.constants = []    # (kind, payload, dtype): "array" arr, "fill" (shape, value), "arange" shape
        self.nodes = []        # (op, input refs, attrs, output (shape, dtype)s, site)
        self.outputs = []      # refs
        self.symbols = []      # (Dim, input index, axis) each symbol is read from
        self.subprograms = {}  # token -> [Program, ...]: a cond's two branches, a while_loop's test and body
        self.wiring = {}       # token -> the node's CondBranches / LoopBodies (how branch inputs map)


def from_generic(generic, subprograms=None, wiring=None):
    """A Program of a GenericGraph (its refs are already Program refs)."""
    p = Program(generic.device)
    p.inputs = list(generic.placeholders)
    p.weights = list(generic.captures)
    p.constants = list(generic.constants)
    p.nodes = list(generic.nodes)
    p.outputs = list(generic.outputs[:len(generic.outputs) - len(generic.bindings)])
    p.symbols = list(generic.symbols)
    p.subprograms = dict(subprograms or {})
    p.wiring = dict(wiring or {})
    return p


def from_graph(graph, subprograms=None, wiring=None):
    """A Program of a concrete Graph."""
    p = Program(graph.device)
    refs = {}
    for i, v in enumerate(graph.placeholders):
        refs[v] = ("p", i)
        p.inputs.append((tuple(v.shape), v.dtype, v.name))
    for i, (v, t) in enumerate(graph.captures):
        refs[v] = ("w", i)
        p.weights.append(t)
    for i, (v, arr) in enumerate(graph.constants.items()):
        refs[v] = ("c", i)
        p.constants.append(("array", arr, v.dtype))
    for j, node in enumerate(graph.nodes):
        p.nodes.append((node.op, [refs[v] for v in node.inputs], node.attrs,
                        [(tuple(v.shape), v.dtype) for v in node.outputs], node.site))
        for k, v in enumerate(node.outputs):
            refs[v] = ("n", j, k)
    p.outputs = [refs[v] for v in graph.user_outputs]
    p.subprograms = dict(subprograms or {})
    p.wiring = dict(wiring or {})
    return p
