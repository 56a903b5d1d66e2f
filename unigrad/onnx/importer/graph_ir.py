"""An ONNX graph read once into plain Python: nodes with decoded attributes, initializers as
arrays, and the checks a graph must pass before it runs (topological order, no dangling input)."""
import numpy as np
import onnx
from onnx import AttributeProto, helper, numpy_helper

from ..errors import OnnxImportError


class AttrRef:
    """An attribute of a function body that takes the value of the caller's attribute `name`."""
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name


class NodeIR:
    __slots__ = ("op_type", "domain", "inputs", "outputs", "attrs", "name", "index", "proto")

    def __init__(self, proto, index, attrs):
        self.proto = proto  # (a context-dependent function body is built from the node as written)
        self.op_type, self.domain = proto.op_type, proto.domain
        self.inputs, self.outputs = list(proto.input), list(proto.output)
        self.attrs, self.index = attrs, index
        self.name = proto.name or f"{proto.op_type}_{index}"

    def where(self):
        return f"node '{self.name}' ({self.op_type}{', domain ' + self.domain if self.domain else ''})"


class GraphIR:
    """One graph: the model's, or an If/Loop/Scan body, or a function body."""

    def __init__(self, name):
        self.name = name
        self.nodes = []
        self.initializers = {}    # name -> array
        self.inputs = []          # (name, TypeProto or None)
        self.outputs = []         # (name, TypeProto or None)
        self.value_types = {}     # name -> TypeProto (value_info, inputs, outputs)
        self.sparse = set()       # initializer names that were sparse


def tensor_to_array(t, where):
    """A TensorProto as a NumPy array (ml_dtypes for the float8/4-bit types, str for strings)."""
    try:
        if t.data_location == onnx.TensorProto.EXTERNAL and not t.raw_data:
            raise OnnxImportError(f"tensor '{t.name}' ({where}) keeps its data in an external file that was not "
                                  "loaded; load the model from its path so the data file beside it is read")
        arr = numpy_helper.to_array(t)
    except OnnxImportError:
        raise
    except Exception as exc:
        raise OnnxImportError(f"tensor '{t.name}' ({where}) cannot be read: {type(exc).__name__}: {exc}") from None
    if arr.dtype == object:
        arr = np.vectorize(lambda v: v.decode("utf-8", "surrogateescape") if isinstance(v, bytes) else v,
                           otypes=[object])(arr) if arr.size else arr.astype(object)
    return arr


def attribute_value(attr, where, graph_of):
    """A node attribute as a Python value; graphs become GraphIRs through graph_of."""
    if attr.ref_attr_name:
        return AttrRef(attr.ref_attr_name)
    kind = attr.type
    if kind == AttributeProto.FLOAT:
        return float(attr.f)
    if kind == AttributeProto.INT:
        return int(attr.i)
    if kind == AttributeProto.STRING:
        return attr.s.decode("utf-8", "surrogateescape")
    if kind == AttributeProto.TENSOR:
        return tensor_to_array(attr.t, where)
    if kind == AttributeProto.GRAPH:
        return graph_of(attr.g)
    if kind == AttributeProto.SPARSE_TENSOR:
        return sparse_to_array(attr.sparse_tensor, where)
    if kind == AttributeProto.FLOATS:
        return [float(v) for v in attr.floats]
    if kind == AttributeProto.INTS:
        return [int(v) for v in attr.ints]
    if kind == AttributeProto.STRINGS:
        return [s.decode("utf-8", "surrogateescape") for s in attr.strings]
    if kind == AttributeProto.TENSORS:
        return [tensor_to_array(t, where) for t in attr.tensors]
    if kind == AttributeProto.GRAPHS:
        return [graph_of(g) for g in attr.graphs]
    if kind == AttributeProto.TYPE_PROTO:
        return attr.tp
    if kind == AttributeProto.TYPE_PROTOS:
        return list(attr.type_protos)
    return helper.get_attribute_value(attr)


def sparse_to_array(sparse, where):
    values = tensor_to_array(sparse.values, where)
    indices = tensor_to_array(sparse.indices, where).astype(np.int64)
    dense = np.zeros(tuple(sparse.dims), dtype=values.dtype)
    if indices.ndim == 1:
        dense.reshape(-1)[indices] = values
    else:
        dense[tuple(indices.T)] = values
    return dense


def parse_graph(proto, outer=(), where="the model"):
    """A GraphIR of a GraphProto, checked: every node input is defined before it is read (by a
    graph input, an initializer, an earlier node, or the enclosing graphs' names `outer`)."""
    g = GraphIR(proto.name or "graph")
    for t in proto.initializer:
        g.initializers[t.name] = tensor_to_array(t, f"initializer of {where}")
    for s in proto.sparse_initializer:
        g.initializers[s.values.name] = sparse_to_array(s, f"sparse initializer of {where}")
        g.sparse.add(s.values.name)
    for vi in list(proto.value_info) + list(proto.input) + list(proto.output):
        g.value_types[vi.name] = vi.type
    g.inputs = [(vi.name, vi.type) for vi in proto.input]
    g.outputs = [(vi.name, vi.type) for vi in proto.output]
    defined = set(outer) | set(g.initializers) | {name for name, _ in g.inputs}
    produced_later = {}
    for i, n in enumerate(proto.node):
        for out in n.output:
            if out:
                produced_later.setdefault(out, i)
    for i, n in enumerate(proto.node):
        name = n.name or f"{n.op_type}_{i}"
        for inp in n.input:
            if inp and inp not in defined:
                if inp in produced_later and produced_later[inp] >= i:
                    raise OnnxImportError(f"{where}: node '{name}' ({n.op_type}) reads '{inp}', which node "
                                          f"'{proto.node[produced_later[inp]].name or produced_later[inp]}' computes "
                                          "later: the graph has a cycle or is not in topological order")
                raise OnnxImportError(f"{where}: node '{name}' ({n.op_type}) reads '{inp}', which no graph input, "
                                      "initializer or earlier node defines (a dangling input)")
        _add_node(g, n, i, name, defined)
    for out, _ in g.outputs:
        if out and out not in defined:
            raise OnnxImportError(f"{where}: the output '{out}' is computed by no node, input or initializer")
    return g


def parse_function(proto):
    """A GraphIR of a FunctionProto body (its inputs and outputs are plain names)."""
    g = GraphIR(proto.name)
    g.inputs = [(name, None) for name in proto.input]
    g.outputs = [(name, None) for name in proto.output]
    where = f"the function '{proto.domain}:{proto.name}'"
    defined = set(proto.input)
    for i, n in enumerate(proto.node):
        _add_node(g, n, i, n.name or f"{n.op_type}_{i}", defined, where)
    return g


def _add_node(g, n, i, name, defined, function=None):
    """Append node n to g (its attributes decoded, its subgraphs parsed seeing the names defined so
    far and its outputs), then define its outputs. function: the function body it is in, for messages."""
    outputs = {o for o in n.output if o}
    scope = frozenset(defined | outputs)
    node_where = f"node '{name}'" + (f" of {function}" if function else "")
    sub_where = f"of node '{name}'" + (f" in {function}" if function else "")

    def graph_of(sub):
        return parse_graph(sub, scope, f"the subgraph '{sub.name}' {sub_where}")
    attrs = {a.name: attribute_value(a, node_where, graph_of) for a in n.attribute}
    g.nodes.append(NodeIR(n, i, attrs))
    defined.update(outputs)
