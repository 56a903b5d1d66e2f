"""Running an ONNX graph on unigrad values, node by node through the import rules.

Values are Tensors, lists of Tensors (sequences) and None (an absent input, an empty optional).
Beside them the interpreter keeps what it knows statically, as NumPy arrays: initializers of an
inference graph, Constant nodes, shapes, and every node whose inputs are all known (evaluated
once, while importing or tracing). A rule reads such values as arrays (its `static` inputs);
ops on data get them as constants. Run under a trace (ug.jit), the ops the rules call become a
unigrad graph, which the compiler optimises and runs like any other.
"""
import numpy as np

from ...backend import dtypes as _dt
from ...backend.device import cpu
from ...core.grad_mode import no_grad
from ...core.tensor import Tensor
from ...core.trace_hook import NO_TRACE, state
from ...errors import UnigradError
from ...ops.factory.constant import constant
from ..errors import OnnxImportError, UnsupportedOnnxError
from .graph_ir import GraphIR
from .rules import canonical_domain


class Scope:
    """The values of one graph's run; names of enclosing graphs resolve through the parent."""

    def __init__(self, parent=None):
        self.values, self.known, self.parent = {}, {}, parent
        self.materialized = {}

    def lookup(self, name):
        s = self
        while s is not None:
            if name in s.known:
                return None, s.known[name], s
            if name in s.values:
                return s.values[name], None, s
            s = s.parent
        raise OnnxImportError(f"the value '{name}' is read before any node computes it")

    def set(self, name, value):
        if isinstance(value, np.ndarray):
            self.known[name] = value
            self.values.pop(name, None)
        else:
            self.values[name] = value
            self.known.pop(name, None)


class Run:
    """What one call of a graph shares: the model, the device, train/eval mode."""

    def __init__(self, model, device=cpu, training=False):
        self.model, self.device, self.training = model, device, training


class Context:
    """What a rule sees besides its inputs and attributes."""
    __slots__ = ("run", "node", "opset", "scope", "n_outputs", "outputs")

    def __init__(self, run, node, opset, scope):
        self.run, self.node, self.opset, self.scope = run, node, opset, scope
        self.n_outputs = len(node.outputs)
        self.outputs = node.outputs

    @property
    def device(self):
        return self.run.device

    @property
    def training(self):
        return self.run.training

    def const(self, array, dtype=None):
        """A Tensor holding a fixed array (a graph constant when traced)."""
        array = np.asarray(array, dtype=dtype.np if isinstance(dtype, _dt.DType) else dtype)
        return constant(array, self.run.device)

    def value(self, x):
        """The values of x as a NumPy array (known, or read from the tensor)."""
        if x is None or isinstance(x, np.ndarray):
            return x
        if isinstance(x, Tensor):
            return x.detach().cpu().numpy() if x.requires_grad else x.cpu().numpy()
        return np.asarray(x)

    def output_type(self, k=0):
        """The declared TypeProto of output k, if the model declares it."""
        name = self.node.outputs[k] if k < len(self.node.outputs) else ""
        return self.run.model.value_type(name)

    def attr_error(self, text):
        return OnnxImportError(f"{self.node.where()}: {text}")

    def subgraph(self, graph, inputs):
        """Run a subgraph (If/Loop/Scan body) with these values for its inputs; its other names
        resolve in this node's scope."""
        return run_graph(self.run, graph, inputs, parent=self.scope, opsets=self.run.model.opsets)


def run_graph(run, graph, inputs, parent=None, opsets=None):
    """The output values of `graph` for input values `inputs` (in graph.inputs order)."""
    scope = Scope(parent)
    model = run.model
    for name, value in model.initial_values(graph).items():
        scope.set(name, value)
    fed = [name for name, _ in graph.inputs if name not in graph.initializers]  # (old models list weights as inputs)
    for name, value in zip(fed, inputs):
        if name:
            scope.set(name, value)
    opsets = opsets if opsets is not None else model.opsets
    for node in graph.nodes:
        _run_node(run, node, scope, opsets)
    return [_tensor_of(run, scope, name) for name, _ in graph.outputs]


def _tensor_of(run, scope, name):
    """The value of `name` as a runtime value (a known array becomes a constant Tensor)."""
    value, known, where = scope.lookup(name)
    if known is None:
        return value
    found = where.materialized.get(name)
    if found is None:
        found = where.materialized[name] = constant(known, run.device)
    return found


def _run_node(run, node, scope, opsets):
    model = run.model
    opset = opsets.get(canonical_domain(node.domain), 1)
    function = model.function_for(node, opset)
    if function is not None:
        outs = function(run, node, scope)
    else:
        outs = _apply_rule(run, node, scope, opset)
    for name, value in zip(node.outputs, outs):
        if name:
            scope.set(name, value)


def _apply_rule(run, node, scope, opset):
    rule = run.model.rule_for(node, opset)
    if rule is None:
        raise UnsupportedOnnxError(f"{node.where()}: no import rule at opset {opset}",
                                   [(node.name, node.op_type, node.domain or "ai.onnx", opset)])
    ctx = Context(run, node, opset, scope)
    args, knowns = [], []
    for i, name in enumerate(node.inputs):
        if not name:
            args.append(None)
            knowns.append(None)
            continue
        value, known, _ = scope.lookup(name)
        if i in rule.static:
            args.append(known if known is not None else ctx.value(value))
            knowns.append(args[-1])
            continue
        knowns.append(known)
        args.append(value)
    attrs = node.attrs
    if rule.fold and all(k is not None or name == "" for k, name in zip(knowns, node.inputs)) \
            and not any(isinstance(v, list) for v in args if v is not None) and _no_subgraphs(attrs):
        folded = _fold(run, ctx, rule, knowns, attrs)
        if folded is not None:
            return folded
    for i, name in enumerate(node.inputs):
        if name and i not in rule.static and knowns[i] is not None:
            args[i] = knowns[i] if i in rule.known else _tensor_of(run, scope, name)
    return _call(ctx, rule, args, attrs)


def _no_subgraphs(attrs):
    return not any(isinstance(v, GraphIR) or (isinstance(v, list) and v and isinstance(v[0], GraphIR))
                   for v in attrs.values())


def _fold(run, ctx, rule, knowns, attrs):
    """The node evaluated now on its known inputs (on the CPU, outside any trace): known outputs."""
    previous, state.tracer = state.tracer, NO_TRACE
    saved = run.device
    run.device = cpu
    try:
        with no_grad():
            args = [None if k is None else (k if i in rule.static else Tensor._make(k, cpu, _dt.dtype_of(k)))
                    for i, k in enumerate(knowns)]
            outs = _call(ctx, rule, args, attrs)
    finally:
        state.tracer = previous
        run.device = saved
    result = []
    for o in outs:
        if isinstance(o, Tensor):
            result.append(np.asarray(o._data))
        elif isinstance(o, np.ndarray) or o is None:
            result.append(o)
        else:
            return None  # a sequence: keep it a runtime value
    return result


def _call(ctx, rule, args, attrs):
    node = ctx.node
    if rule.attributes is not None:
        unknown = [a for a in attrs if a not in rule.attributes]
        if unknown:
            raise UnsupportedOnnxError(f"{node.where()}: attribute(s) {unknown} are not supported by this import rule",
                                       [(node.name, node.op_type, node.domain or "ai.onnx", ctx.opset)])
    try:
        out = rule.fn(ctx, *args, **attrs)
    except (OnnxImportError, UnigradError) as exc:
        text = exc.args[0] if exc.args else str(exc)
        if node.name not in str(text):
            exc.args = (f"{node.where()}: {text}",) + tuple(exc.args[1:])
        raise
    except (TypeError, ValueError, IndexError, KeyError, AttributeError, ZeroDivisionError) as exc:
        raise OnnxImportError(f"{node.where()} failed for inputs {_describe(args)}: {type(exc).__name__}: {exc}") \
            from exc
    if not isinstance(out, tuple):
        out = (out,)
    return [np.asarray(o) if isinstance(o, (np.generic,)) else o for o in out]


def _describe(args):
    parts = []
    for a in args:
        if isinstance(a, Tensor):
            parts.append(f"{a.dtype.name}{list(a.shape)}")
        elif isinstance(a, np.ndarray):
            parts.append(f"array {a.dtype}{list(a.shape)}")
        elif isinstance(a, list):
            parts.append(f"sequence of {len(a)}")
        else:
            parts.append(repr(a))
    return "[" + ", ".join(parts) + "]"
