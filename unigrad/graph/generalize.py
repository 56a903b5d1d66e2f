"""Shape-generic graphs: one traced structure reused for input shapes it was not traced at.

Traces of the same function whose inputs differ in some dimensions (the batch, a sequence
length, an image size) are compared node by node. Each input dimension that differs becomes a
symbol (dimensions with the same sizes in every trace share one). Every other integer that
differs between the traces (a reshape to (B, 800), a slice end T - 1, a random draw of shape
(B*T, 64)) must be fitted by a small expression over the symbols and the sizes fitted before it
(symbolic_sizes.py). Constants that differ only in shape must be uniform fills (whose value may
be k/N for a size N, a mean's scale) or aranges.
Different ops, wiring, dtypes or data means the function is not shape-generic there.

A fitted graph is only a candidate: it is trusted once it predicts, exactly, a trace it was not
fitted to. When a trusted graph is instantiated at new sizes, every node's output shape is
re-derived by the op's own shape rule (`infer`) and must agree with the fitted expression, so a
wrong fit falls back to tracing instead of running a wrong graph.
"""
import numpy as np

from ..core.tensor import Tensor
from ..errors import UnigradError
from ..ops.spec import Spec
from .ir import RUN_STATE, Graph
from .symbolic_sizes import Fitter, NotGeneric, Ratio, fit_ratio, merge, numel_dim, substitute


class GenericGraph:
    """A graph with symbolic sizes; `instantiate(input_shapes)` gives a concrete Graph."""

    def __init__(self, device):
        self.device = device
        self.symbols = []        # (Dim, placeholder index, axis) each symbol is read from
        self.placeholders = []   # symbolic shapes, dtypes, names
        self.captures = []       # tensors
        self.constants = []      # (kind, payload, dtype): "array" arr, "fill" (shape, value), "arange" shape
        self.nodes = []          # (op, input refs, attrs, output (shape, dtype)s, site)
        self.outputs = []        # refs
        self.effects = []        # (tensor, ref)
        for name in RUN_STATE:   # as in Graph
            setattr(self, name, [])
        self.scalar_guards = []  # as Graph.scalar_guards, from every trace
        self.grad_captures = {}  # capture index -> leaf (Graph.grad_captures)

    def __str__(self):
        def spec(shape, dtype):
            return f"{dtype.name}[" + ", ".join(str(d) for d in shape) + "]"
        names = {}
        where = ", ".join(f"{d!r} = {self.placeholders[p][2]}.shape[{axis}]" for d, p, axis in self.symbols)
        lines = ["graph(" + ", ".join(f"%{n}: {spec(s, d)}" for s, d, n in self.placeholders) + f") {{  # {where}"]
        for i, (s, d, n) in enumerate(self.placeholders):
            names[("p", i)] = f"%{n}"
        for i, t in enumerate(self.captures):
            names[("w", i)] = f"%w{i}"
            lines.append(f"  %w{i}: {spec(tuple(t.shape), t.dtype)} = capture")
        for i, (kind, payload, dtype) in enumerate(self.constants):
            names[("c", i)] = f"%c{i}"
            if kind == "array":
                body, shape = "constant", tuple(payload.shape)
            elif kind == "fill":
                value = payload[1]
                body, shape = f"fill({value if isinstance(value, Ratio) else format(value, 'g')})", payload[0]
            else:
                body, shape = "arange", payload
            lines.append(f"  %c{i}: {spec(shape, dtype)} = {body}")
        for j, (op, refs, attrs, outs, site) in enumerate(self.nodes):
            for k in range(len(outs)):
                names[("n", j, k)] = f"%{j}" + (f".{k}" if len(outs) > 1 else "")
            name = op.name
            args = ", ".join(names[r] for r in refs)
            extra = "".join(f", {k}={v!r}" for k, v in attrs.items())
            outs_text = ", ".join(f"{names[('n', j, k)]}: {spec(s, d)}" for k, (s, d) in enumerate(outs))
            lines.append(f"  {outs_text} = {name}({args}{extra})")
        lines.append("  return " + ", ".join(names[r] for r in self.outputs))
        return "\n".join(lines + ["}"])

    def bind(self, input_shapes):
        """Symbol sizes for these input shapes; NotGeneric if the shapes do not fit the graph."""
        env = {}
        for dim, p, axis in self.symbols:
            env[dim] = input_shapes[p][axis]
        for (shape, _, name), given in zip(self.placeholders, input_shapes):
            if len(shape) != len(given) or tuple(substitute(shape, env)) != tuple(given):
                raise NotGeneric(f"input {name} of shape {tuple(given)} does not fit {shape}")
        return env

    def instantiate(self, input_shapes):
        """A concrete Graph for these input shapes. Raises NotGeneric when they do not fit or
        when an op's own shape rule disagrees with the fitted sizes."""
        env = self.bind(input_shapes)
        g = Graph(self.device)
        xp = self.device.xp
        values = {}
        for i, (shape, dtype, name) in enumerate(self.placeholders):
            values[("p", i)] = g.placeholder(substitute(shape, env), dtype, name)
        for i, t in enumerate(self.captures):
            values[("w", i)] = g.capture(t)
        for i, (kind, payload, dtype) in enumerate(self.constants):
            if kind == "array":
                arr = payload
            elif kind == "fill":
                arr = xp.full(substitute(payload[0], env), substitute(payload[1], env), dtype=dtype.np)
            else:
                shape = substitute(payload, env)
                arr = xp.arange(int(np.prod(shape)), dtype=dtype.np).reshape(shape)
            values[("c", i)] = g.constant(arr, dtype)
        for j, (op, refs, attrs, outs, site) in enumerate(self.nodes):
            inputs = [values[r] for r in refs]
            concrete_attrs = substitute(attrs, env)
            out_specs = [(substitute(s, env), d) for s, d in outs]
            _check_shapes(op, inputs, concrete_attrs, out_specs)
            node = g.add_node(op, inputs, concrete_attrs, out_specs, site)
            for k, v in enumerate(node.outputs):
                values[("n", j, k)] = v
        g.outputs = [values[r] for r in self.outputs]
        g.effects = [(t, values[r]) for t, r in self.effects]
        for name in RUN_STATE:
            setattr(g, name, list(getattr(self, name)))
        g.scalar_guards = list(self.scalar_guards)
        g.grad_captures = {values[("w", i)]: leaf for i, leaf in self.grad_captures.items()}
        return g


def _check_shapes(op, inputs, attrs, out_specs):
    infer = op.infer
    if infer is None:
        return
    try:
        got = infer(*[Spec(v.shape, v.dtype) for v in inputs], **attrs)
    except (UnigradError, TypeError, ValueError) as exc:
        raise NotGeneric(f"{op.name}: {exc}") from exc
    got = got if isinstance(got, tuple) else (got,)
    if [tuple(s.shape) for s in got] != [tuple(s) for s, _ in out_specs]:
        raise NotGeneric(f"{op.name}: fitted output shapes {[s for s, _ in out_specs]} but the op gives "
                         f"{[s.shape for s in got]}")


def generalize(graphs):
    """A GenericGraph covering all the traces; NotGeneric (with the reason) when they are not
    the same function up to sizes."""
    g1 = graphs[0]
    if any(len(g.nodes) != len(g1.nodes) or len(g.placeholders) != len(g1.placeholders) for g in graphs):
        raise NotGeneric(f"the traces have {sorted({len(g.nodes) for g in graphs})} nodes: the Python code takes "
                         "different paths at different sizes")
    fitter = Fitter()
    out = GenericGraph(g1.device)
    refs = [{} for _ in graphs]  # per trace: Value -> position in the generic graph

    def bind(values, ref):
        for table, v in zip(refs, values):
            table[v] = ref

    def ref_of(values):
        r = refs[0].get(values[0])
        if r is None or any(table.get(v) != r for table, v in zip(refs, values)):
            return None
        return r

    for i, ps in enumerate(zip(*(g.placeholders for g in graphs))):
        if any(p.dtype is not ps[0].dtype or len(p.shape) != len(ps[0].shape) for p in ps):
            raise NotGeneric("placeholder dtype or rank")
        sizes = list(zip(*(p.shape for p in ps)))
        shape = tuple(s[0] if len(set(s)) == 1 else fitter.symbol(s, (i, axis)) for axis, s in enumerate(sizes))
        out.placeholders.append((shape, ps[0].dtype, ps[0].name))
        bind(ps, ("p", i))
    if not fitter.symbols:
        raise NotGeneric("the traces have the same input shapes")
    out.symbols = fitter.symbols
    # captures match by the memory they read (optimizer state is wrapped anew at each trace)
    # (and a gradient read at entry by its leaf: each run binds a new one)
    def capture_key(g, v, t):
        return ("grad of", id(g.grad_captures[v])) if v in g.grad_captures else id(t._data)
    by_memory = [{capture_key(g, v, t): v for v, t in g.captures} for g in graphs]
    for i, (v1, t) in enumerate(g1.captures):
        values = [table.get(capture_key(g1, v1, t)) for table in by_memory]
        if any(v is None for v in values):
            raise NotGeneric("captures differ")
        out.captures.append(t)
        bind(values, ("w", i))

    def constant_ref(values):
        arrays = [np.asarray(_host(g.constants[v])) for g, v in zip(graphs, values)]
        first = arrays[0]
        if any(v.dtype is not values[0].dtype for v in values):
            raise NotGeneric("constant dtype")
        uniform = all(a.size and np.all(a == a.flat[0]) for a in arrays)
        fills = [a.flat[0].item() for a in arrays] if uniform else None
        if all(a.shape == first.shape for a in arrays):
            if all(np.array_equal(a, first, equal_nan=True) for a in arrays):
                payload = ("array", graphs[0].constants[values[0]], values[0].dtype)
            elif uniform:  # a scalar that scales with a size, e.g. 1/N
                payload = ("fill", (first.shape, fit_ratio(fills, fitter.known)), values[0].dtype)
            else:
                raise NotGeneric("a constant has different values in different traces")
        else:
            shape = merge([tuple(a.shape) for a in arrays], fitter)
            if all(_is_arange(a) for a in arrays):
                payload = ("arange", shape, values[0].dtype)
            elif uniform:
                if all(f == fills[0] for f in fills):
                    value = fills[0]
                else:  # a mean's 1/N broadcast and folded: N is this shape's size, or a known one
                    numel = numel_dim(shape)
                    sizes = [(numel, tuple(a.size for a in arrays))] if numel is not None else []
                    value = fit_ratio(fills, sizes + fitter.known)
                payload = ("fill", (shape, value), values[0].dtype)
            else:
                raise NotGeneric("size-dependent constant that is not a uniform fill or an arange")
        out.constants.append(payload)
        bind(values, ("c", len(out.constants) - 1))

    for j, nodes in enumerate(zip(*(g.nodes for g in graphs))):
        n1 = nodes[0]
        if any(n.op is not n1.op for n in nodes):
            raise NotGeneric(f"node {j} is {' / '.join(n.name for n in nodes)} in different traces (created at "
                             f"{n1.site}): the Python code takes different paths at different sizes")
        if any(len(n.inputs) != len(n1.inputs) or len(n.outputs) != len(n1.outputs) for n in nodes):
            raise NotGeneric("arity")
        inputs = []
        for values in zip(*(n.inputs for n in nodes)):
            if values[0] not in refs[0] and all(v.kind == "constant" for v in values):
                constant_ref(values)
            r = ref_of(values)
            if r is None:
                raise NotGeneric(f"node {j}: inputs are wired differently")
            inputs.append(r)
        attrs = merge([n.attrs for n in nodes], fitter)
        outs = [(merge([o.shape for o in os], fitter), os[0].dtype) for os in zip(*(n.outputs for n in nodes))]
        out.nodes.append((n1.op, inputs, attrs, outs, n1.site))
        for k, os in enumerate(zip(*(n.outputs for n in nodes))):
            bind(os, ("n", j, k))
    if any(len(g.outputs) != len(g1.outputs) or len(g.effects) != len(g1.effects) for g in graphs):
        raise NotGeneric("outputs/effects")
    for values in zip(*(g.outputs for g in graphs)):
        if values[0] not in refs[0] and all(v.kind == "constant" for v in values):
            constant_ref(values)
        r = ref_of(values)
        if r is None:
            raise NotGeneric("outputs")
        out.outputs.append(r)
    for effects in zip(*(g.effects for g in graphs)):
        tensor = effects[0][0]
        r = ref_of([v for _, v in effects])
        if r is None or any(t._data is not tensor._data for t, _ in effects):
            raise NotGeneric("effects")
        out.effects.append((tensor, r))
    if any([id(t) if isinstance(t, Tensor) else t for t in g.bindings] !=
           [id(t) if isinstance(t, Tensor) else t for t in g1.bindings] for g in graphs):
        raise NotGeneric("gradients bound to .grad")
    for name in RUN_STATE:
        setattr(out, name, list(getattr(g1, name)))
    out.scalar_guards = [guard for g in graphs for guard in g.scalar_guards]
    positions = {v: i for i, (v, _) in enumerate(g1.captures)}
    out.grad_captures = {positions[v]: leaf for v, leaf in g1.grad_captures.items()}
    return out


def _is_arange(a):
    """0, 1, 2, ... in memory order (an arange, perhaps reshaped to (1, n, 1) by folding)."""
    return a.size > 1 and sum(d > 1 for d in a.shape) == 1 and np.array_equal(a.reshape(-1), np.arange(a.size))


def _host(arr):
    return arr if isinstance(arr, np.ndarray) else arr.get()


def fingerprint(graph):
    """A comparable summary of a concrete Graph: ops, wiring, attributes, shapes, constants."""
    ref = {}
    for i, v in enumerate(graph.placeholders):
        ref[v] = f"p{i}:{v.shape}:{v.dtype.name}"
    for v, t in graph.captures:
        ref[v] = f"w{id(t._data)}"
    parts = []
    for j, node in enumerate(graph.nodes):
        args = []
        for v in node.inputs:
            if v not in ref and v.kind == "constant":
                arr = np.asarray(_host(graph.constants[v]))
                ref[v] = f"c{arr.dtype}{arr.shape}{hash(arr.tobytes())}"
            args.append(ref.get(v, "?"))
        for k, v in enumerate(node.outputs):
            ref[v] = f"n{j}.{k}"
        parts.append((node.name, args, repr(node.attrs), [(v.shape, v.dtype.name) for v in node.outputs]))
    parts.append([ref.get(v, "?") for v in graph.outputs])
    parts.append([(id(t._data), ref.get(v, "?")) for t, v in graph.effects])
    return repr(parts)
