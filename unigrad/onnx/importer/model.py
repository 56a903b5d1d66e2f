"""An ONNX model read for running: its graph, opsets, functions, and how each node runs (an
import rule, a function of the model, or the function body onnx defines for the op)."""
import numpy as np
import onnx
from onnx import helper

from ...core.tensor import Tensor
from ..dtypes import to_onnx
from ..errors import OnnxImportError, UnsupportedOnnxError
from . import families  # noqa: F401  (registers every import rule)
from .graph_ir import AttrRef, GraphIR, NodeIR, parse_function, parse_graph, tensor_to_array
from .rules import canonical_domain, find
from .interpreter import Scope, _run_node, _tensor_of, run_graph

OLDEST_OPSET = 1


class ImportedModel:
    """A ModelProto parsed and checked once. `parameters`: initializer name -> Tensor to use
    instead of the initializer's array (trainable weights of to_module); others stay known arrays."""

    def __init__(self, proto, where="the model"):
        self.proto, self.where = proto, where
        self.opsets = {canonical_domain(o.domain): o.version for o in proto.opset_import}
        self.opsets.setdefault("", 1)
        self.graph = parse_graph(proto.graph, where=where)
        self.functions = {}
        for f in proto.functions:
            opsets = {canonical_domain(o.domain): o.version for o in f.opset_import}
            self.functions[(canonical_domain(f.domain), f.name)] = (parse_function(f), opsets, f)
        self.parameters = {}
        self._rules = {}
        self._schema_functions = {}
        self.check_supported()

    # ---- what the interpreter asks --------------------------------------------------------
    def initial_values(self, graph):
        if graph is self.graph:
            return {name: self.parameters.get(name, arr) for name, arr in graph.initializers.items()}
        return dict(graph.initializers)

    def value_type(self, name):
        return self.graph.value_types.get(name)

    def rule_for(self, node, opset):
        key = (node.domain, node.op_type, opset)
        if key not in self._rules:
            self._rules[key] = find(node.domain, node.op_type, opset)
        return self._rules[key]

    def function_for(self, node, opset):
        """A callable running the node as a function body, when it is one (a function of the
        model, or an op without a rule whose schema defines a body), else None."""
        local = self.functions.get((canonical_domain(node.domain), node.op_type))
        if local is not None:
            body, opsets, proto = local
            return lambda run, n, scope: _call_function(run, n, scope, body, opsets, _defaults(proto))
        if self.rule_for(node, opset) is not None:
            return None
        schema = _schema(node, opset)
        if schema is None or not (schema.has_function or schema.has_context_dependent_function):
            return None
        return lambda run, n, scope: self._call_schema_function(run, n, scope, schema, opset)

    def _call_schema_function(self, run, node, scope, schema, opset):
        types = [_type_of(scope, name) for name in node.inputs]
        key = (id(node), schema.since_version, tuple(t.SerializeToString() if t is not None else b"" for t in types))
        found = self._schema_functions.get(key)
        if found is None:
            proto = _schema_body(schema, node, types, opset)
            if proto is None:
                raise UnsupportedOnnxError(f"{node.where()}: no import rule, and onnx gives no function body for it "
                                           f"at opset {opset}", [(node.name, node.op_type, node.domain or "ai.onnx",
                                                                  opset)])
            opsets = {canonical_domain(o.domain): o.version for o in proto.opset_import} or {"": opset}
            found = self._schema_functions[key] = (parse_function(proto), opsets, _defaults(proto, schema))
        body, opsets, defaults = found
        return _call_function(run, node, scope, body, opsets, defaults)

    # ---- checks ---------------------------------------------------------------------------
    def check_supported(self):
        """Raise one UnsupportedOnnxError listing every node (here and in subgraphs and functions)
        that no rule, function of the model or onnx function body covers."""
        missing = []
        newest = onnx.defs.onnx_opset_version()
        default = self.opsets.get("", 1)
        if default > newest:
            missing.append(("<model>", "<opset>", "ai.onnx", default))
        seen = set()

        def visit(graph, opsets):
            for node in graph.nodes:
                domain = canonical_domain(node.domain)
                opset = opsets.get(domain, 1)
                key = (domain, node.op_type, opset)
                if key not in seen:
                    seen.add(key)
                    if (domain, node.op_type) not in self.functions and self.rule_for(node, opset) is None:
                        schema = _schema(node, opset)
                        if schema is None or not (schema.has_function or schema.has_context_dependent_function):
                            missing.append((node.name, node.op_type, domain or "ai.onnx", opset))
                for value in node.attrs.values():
                    for sub in value if isinstance(value, list) else [value]:
                        if isinstance(sub, GraphIR):
                            visit(sub, opsets)
        visit(self.graph, self.opsets)
        for body, opsets, _ in self.functions.values():
            visit(body, opsets)
        if missing:
            lines = "; ".join(f"{name} ({op} of {dom}, opset {ver})" for name, op, dom, ver in missing)
            raise UnsupportedOnnxError(f"{self.where}: {len(missing)} node(s) use ops this unigrad cannot run: {lines}",
                                       missing)

    def run(self, run, inputs):
        return run_graph(run, self.graph, inputs)


def _schema(node, opset):
    try:
        return onnx.defs.get_schema(node.op_type, opset, node.domain or "")
    except Exception:
        return None


def _type_of(scope, name):
    """A TypeProto of a runtime value (for context-dependent function bodies)."""
    if not name:
        return None
    value, known, _ = scope.lookup(name)
    if known is not None:
        return helper.make_tensor_type_proto(to_onnx(known.dtype), list(known.shape))
    if isinstance(value, Tensor):
        return helper.make_tensor_type_proto(to_onnx(value.dtype), list(value.shape))
    if isinstance(value, list) and value:
        inner = helper.make_tensor_type_proto(to_onnx(value[0].dtype), None)
        return helper.make_sequence_type_proto(inner)
    return None


def _schema_body(schema, node, types, opset):
    versions = [v for v in schema.context_dependent_function_opset_versions if v <= opset] \
        if schema.has_context_dependent_function else []
    graphs = any(isinstance(v, GraphIR) for v in node.attrs.values())
    if graphs and not any(isinstance(v, AttrRef) for v in node.attrs.values()):
        node_proto = node.proto  # as written: its graph attributes (FlexAttention's score_mod/prob_mod) shape the body
    else:
        node_proto = helper.make_node(node.op_type, node.inputs, node.outputs, domain=node.domain or None,
                                      **{k: v for k, v in node.attrs.items() if not isinstance(v, (AttrRef, GraphIR))})
    if versions:
        data = schema.get_context_dependent_function_with_opset_version(
            max(versions), node_proto.SerializeToString(),
            [t.SerializeToString() if t is not None else onnx.TypeProto().SerializeToString() for t in types])
    elif schema.has_function:
        plain = [v for v in schema.function_opset_versions if v <= opset] or list(schema.function_opset_versions)
        data = schema.get_function_with_opset_version(max(plain))
    else:
        return None
    if not data:
        return None
    proto = onnx.FunctionProto()
    proto.ParseFromString(data)
    return proto


def _defaults(proto, schema=None):
    """The attribute defaults a function body falls back on."""
    out = {}
    if schema is not None:
        for name, a in schema.attributes.items():
            if a.default_value is not None and a.default_value.type != 0:
                out[name] = helper.get_attribute_value(a.default_value)
                if isinstance(out[name], bytes):
                    out[name] = out[name].decode()
    for a in getattr(proto, "attribute_proto", ()):
        value = helper.get_attribute_value(a)
        out[a.name] = value.decode() if isinstance(value, bytes) else value
    return out


def _call_function(run, node, scope, body, opsets, defaults):
    """Run a function body for `node`: its formal inputs bound to the node's inputs, its
    attribute references to the node's attributes (or their defaults)."""
    inner = Scope()
    for (formal, _), actual in zip(body.inputs, node.inputs + [""] * len(body.inputs)):
        if not formal:
            continue
        if actual:
            value, known, _ = scope.lookup(actual)
            inner.set(formal, known if known is not None else value)
        else:
            inner.set(formal, None)
    attrs = dict(defaults)
    attrs.update(node.attrs)
    merged = dict(run.model.opsets)
    merged.update(opsets)
    for n in body.nodes:
        resolved = _resolve(n, attrs)
        _run_node(run, resolved, inner, merged)
    outs = []
    for (formal, _), wanted in zip(body.outputs, node.outputs + [""] * len(body.outputs)):
        if not wanted:  # an optional output the caller does not read (the body may not compute it)
            outs.append(None)
            continue
        value, known, _ = inner.lookup(formal)
        outs.append(known if known is not None else value)
    return outs


def _resolve(node, attrs):
    if not any(isinstance(v, AttrRef) for v in node.attrs.values()):
        return node
    copy = object.__new__(NodeIR)
    for slot in NodeIR.__slots__:
        setattr(copy, slot, getattr(node, slot))
    copy.attrs = {k: attrs[v.name] if isinstance(v, AttrRef) else v for k, v in node.attrs.items()
                  if not isinstance(v, AttrRef) or v.name in attrs}
    copy.attrs = {k: _decoded(v) for k, v in copy.attrs.items()}
    return copy


def _decoded(value):
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, onnx.TensorProto):
        return tensor_to_array(value, "a function attribute")
    return value


__all__ = ["ImportedModel", "OnnxImportError", "np", "_tensor_of"]
