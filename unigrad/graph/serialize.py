"""Saved graphs (ug.jit.save / ug.jit.load): a graph and its weights in one safetensors file.

The format is documented in docs/graph-format.md.

The file holds every captured tensor and constant as a named tensor, and the graph itself as
JSON in the safetensors metadata (key "unigrad.graph"): placeholders, nodes by registry op
name with JSON-encoded attributes, outputs, effects and the output structure. Loading needs
only the op registry, never the Python code or classes that produced the graph, and never
executes code from the file (no pickle).

A shape-generic function (see generalize.py; `ug.jit.trace(..., dynamic_batch=True)`) is saved
as format "unigrad.graph.generic/1": sizes in shapes and attributes may be symbolic, written as
{"dim": [...]} expressions over the symbols listed under "symbols" (each read from one input
dimension), and constants may be "fill" or "arange" of a symbolic shape. Such a file runs at any
sizes that fit; each new input shape gets its own plan.
"""
import json

import numpy as np

from ..core.tensor import Tensor
from ..backend import dtypes as _dt
from ..backend.device import Device, cpu
from ..core.random import Generator, default_generator_for
from ..errors import DataError
from ..io.safetensors_io import load as load_tensors, save as save_tensors
from ..ops.movement.indexing import Slot
from ..ops.registry import REGISTRY
from .executor import Plan, wrap_outputs
from .ir import Graph
from .structure import unflatten
from .symbolic_sizes import Dim, Ratio

FORMAT = "unigrad.graph/1"
FORMAT_GENERIC = "unigrad.graph.generic/1"


def _encode(obj):
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, tuple):
        return {"tuple": [_encode(o) for o in obj]}
    if isinstance(obj, list):
        return [_encode(o) for o in obj]
    if isinstance(obj, dict):
        return {"dict": [[k, _encode(v)] for k, v in obj.items()]}
    if isinstance(obj, _dt.DType):
        return {"dtype": obj.name}
    if isinstance(obj, Device):
        return {"device": str(obj)}
    if isinstance(obj, slice):
        return {"slice": [_encode(obj.start), _encode(obj.stop), _encode(obj.step)]}
    if obj is Ellipsis:
        return {"ellipsis": True}
    if isinstance(obj, Slot):
        return {"slot": obj.i}
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, Dim):
        return {"dim": _encode_dim(obj)}
    if isinstance(obj, Ratio):
        return {"ratio": [_encode(obj.k), _encode_dim(obj.dim)]}
    if isinstance(obj, Generator):
        if obj is not default_generator_for(obj.device):
            raise DataError("jit.save: the graph draws random numbers from a ug.Generator of its own, which a file "
                            "cannot hold; draw from the default generator (generator=None) in code you save")
        return {"generator": str(obj.device)}
    raise DataError(f"jit.save: cannot store an attribute of type {type(obj).__name__} ({obj!r})")


def _encode_dim(d):
    kind, a = d.kind, d.args
    if kind == "sym":
        return ["sym", a[0], d.name]
    if kind == "lin":
        return ["lin", a[0], _encode_dim(a[1]), a[2]]
    if kind == "mul":
        return ["mul", _encode_dim(a[0]), _encode_dim(a[1])]
    return ["div", _encode_dim(a[0]), a[1], a[2]]


def _decode_dim(body, symbols):
    kind = body[0]
    if kind == "sym":
        if not 0 <= body[1] < len(symbols):
            raise DataError(f"jit.load: size expression names symbol {body[1]}, but the graph has {len(symbols)}")
        return symbols[body[1]]
    if kind == "lin":
        return Dim("lin", (int(body[1]), _decode_dim(body[2], symbols), int(body[3])))
    if kind == "mul":
        return Dim("mul", (_decode_dim(body[1], symbols), _decode_dim(body[2], symbols)))
    if kind == "div":
        return Dim("div", (_decode_dim(body[1], symbols), int(body[2]), int(body[3])))
    raise DataError(f"jit.load: unknown size expression {body!r}")


def _decode(obj, symbols=()):
    if isinstance(obj, list):
        return [_decode(o, symbols) for o in obj]
    if not isinstance(obj, dict):
        return obj
    (kind, body), = obj.items()
    if kind == "dim":
        return _decode_dim(body, symbols)
    if kind == "ratio":
        return Ratio(body[0], _decode_dim(body[1], symbols))
    if kind == "tuple":
        return tuple(_decode(o, symbols) for o in body)
    if kind == "dict":
        return {k: _decode(v, symbols) for k, v in body}
    if kind == "dtype":
        return _dt.to_dtype(body)
    if kind == "device":
        return Device(body)
    if kind == "slice":
        return slice(*[_decode(b, symbols) for b in body])
    if kind == "ellipsis":
        return Ellipsis
    if kind == "slot":
        return Slot(body)
    if kind == "generator":
        return default_generator_for(Device(body))
    raise DataError(f"jit.load: unknown attribute encoding {kind!r}")


def save_graph(graph, out_spec, path):
    """Write a graph and its weights to `path`; out_spec is how its outputs nest (structure.py)."""
    names, tensors = {}, {}
    for i, (v, t) in enumerate(graph.captures):
        names[v] = f"capture.{i}"
        tensors[names[v]] = t.detach()
    for i, (v, arr) in enumerate(graph.constants.items()):
        names[v] = f"constant.{i}"
        tensors[names[v]] = Tensor._make(np.asarray(arr) if graph.device.type == "cpu" else arr.get(), cpu,
                                         _dt.dtype_of(np.asarray(arr) if graph.device.type == "cpu" else arr.get()))
    for i, v in enumerate(graph.placeholders):
        names[v] = f"input.{i}"
    nodes = [m for node in graph.nodes for m in getattr(node.op, "originals", [node])]  # saved unfused
    for node in nodes:
        for v in node.outputs:
            names[v] = f"v{v.id}"
    capture_names = {id(t): names[v] for v, t in graph.captures}
    doc = {
        "format": FORMAT,
        "placeholders": [{"name": names[v], "shape": list(v.shape), "dtype": v.dtype.name} for v in graph.placeholders],
        "captures": [names[v] for v, _ in graph.captures],
        "constants": [names[v] for v in graph.constants],
        "nodes": [{"op": n.op.name, "inputs": [names[v] for v in n.inputs],
                   "attrs": _encode(n.attrs), "outputs": [[names[v], list(v.shape), v.dtype.name] for v in n.outputs],
                   "site": n.site} for n in nodes],
        "outputs": [names[v] for v in graph.user_outputs],  # .grad bindings need the Python objects
        "effects": [[capture_names[id(t)], names[v]] for t, v in graph.effects],
        "output_structure": _encode(out_spec),
    }
    save_tensors(tensors, path, metadata={"unigrad.graph": json.dumps(doc)})


def save_generic(generic, out_spec, path):
    """Write a shape-generic graph (generalize.py) and its weights to `path`."""
    names = {}
    tensors = {}
    for i, (_, _, name) in enumerate(generic.placeholders):
        names[("p", i)] = f"input.{i}"
    for i, t in enumerate(generic.captures):
        names[("w", i)] = f"capture.{i}"
        tensors[f"capture.{i}"] = t.detach()
    constants = []
    for i, (kind, payload, dtype) in enumerate(generic.constants):
        name = names[("c", i)] = f"constant.{i}"
        if kind == "array":
            host = np.asarray(payload) if isinstance(payload, np.ndarray) else payload.get()
            tensors[name] = Tensor._make(host, cpu, _dt.dtype_of(host))
            constants.append({"name": name, "kind": "array"})
        elif kind == "fill":
            constants.append({"name": name, "kind": "fill", "shape": _encode(payload[0]),
                              "value": _encode(payload[1]), "dtype": dtype.name})
        else:
            constants.append({"name": name, "kind": "arange", "shape": _encode(payload), "dtype": dtype.name})
    for j, (_, _, _, outs, _) in enumerate(generic.nodes):
        for k in range(len(outs)):
            names[("n", j, k)] = f"n{j}.{k}"
    capture_names = {id(t): names[("w", i)] for i, t in enumerate(generic.captures)}
    doc = {
        "format": FORMAT_GENERIC,
        "symbols": [[dim.name, p, axis] for dim, p, axis in generic.symbols],
        "placeholders": [{"name": names[("p", i)], "shape": _encode(list(shape)), "dtype": dtype.name}
                         for i, (shape, dtype, _) in enumerate(generic.placeholders)],
        "captures": [names[("w", i)] for i in range(len(generic.captures))],
        "constants": constants,
        "nodes": [{"op": op.name, "inputs": [names[r] for r in refs],
                   "attrs": _encode(attrs), "site": site,
                   "outputs": [[names[("n", j, k)], _encode(list(shape)), dtype.name]
                               for k, (shape, dtype) in enumerate(outs)]}
                  for j, (op, refs, attrs, outs, site) in enumerate(generic.nodes)],
        "outputs": [names[r] for r in generic.outputs[:len(generic.outputs) - len(generic.bindings)]],
        "effects": [[capture_names[id(t)], names[r]] for t, r in generic.effects],
        "output_structure": _encode(out_spec),
    }
    save_tensors(tensors, path, metadata={"unigrad.graph": json.dumps(doc)})


class LoadedGraph:
    """A graph loaded from a file: call it like the compiled function it was saved from."""

    def __init__(self, graph, out_spec, weights, generic=None):
        self.graph, self.out_spec, self.weights, self.generic = graph, out_spec, weights, generic
        self.plans = {}  # input shapes -> Plan (one for a concrete graph)
        if generic is None:
            self.plans[tuple(v.shape for v in graph.placeholders)] = Plan(graph)

    def __call__(self, *inputs):
        specs = [(s, d) for s, d, _ in self.generic.placeholders] if self.generic is not None \
            else [(v.shape, v.dtype) for v in self.graph.placeholders]
        if len(inputs) != len(specs):
            raise DataError(f"this graph takes {len(specs)} inputs, got {len(inputs)}")
        for i, (t, (shape, dtype)) in enumerate(zip(inputs, specs)):
            if t.dtype is not dtype or t.ndim != len(shape):
                raise DataError(f"input {i}: expected {_spec_text(shape, dtype)}, got {t.dtype.name}{list(t.shape)}")
        shapes = tuple(tuple(t.shape) for t in inputs)
        plan = self.plans.get(shapes)
        if plan is None:
            plan = self.plans[shapes] = self._plan_for(shapes, specs)
        arrays = plan.run([t._data for t in inputs])
        return unflatten(self.out_spec, wrap_outputs(plan, arrays))

    def _plan_for(self, shapes, specs):
        from .fusion import elementwise_fusion
        from .generalize import NotGeneric
        if self.generic is None:
            i = next(i for i, (s, (shape, _)) in enumerate(zip(shapes, specs)) if tuple(s) != tuple(shape))
            raise DataError(f"input {i}: expected {_spec_text(*specs[i])}, got shape {list(shapes[i])} (this graph was "
                            "saved for one input shape; save it from ug.jit.trace(..., dynamic_batch=True) for others)")
        try:
            graph = self.generic.instantiate(list(shapes))
        except NotGeneric as exc:
            raise DataError(f"inputs of shapes {[list(s) for s in shapes]} do not fit the saved graph's "
                            f"{[_spec_text(*s) for s in specs]}: {exc}") from None
        elementwise_fusion(graph)
        return Plan(graph)

    def state_dict(self):
        return dict(self.weights)

    def __str__(self):
        return str(self.generic if self.generic is not None else self.graph)


def _spec_text(shape, dtype):
    return f"{dtype.name}[" + ", ".join(str(d) for d in shape) + "]"


def load(path, device=None):
    """Load a graph saved by jit.save; runs without the code that produced it."""
    from safetensors import safe_open
    try:
        with safe_open(str(path), framework="numpy") as f:
            meta = f.metadata() or {}
    except Exception as exc:
        raise DataError(f"jit.load: '{path}' is not a readable safetensors file ({exc})") from None
    if "unigrad.graph" not in meta:
        raise DataError(f"jit.load: '{path}' holds weights but no graph (save graphs with ug.jit.save)")
    doc = json.loads(meta["unigrad.graph"])
    if doc.get("format") not in (FORMAT, FORMAT_GENERIC):
        raise DataError(f"jit.load: unsupported graph format {doc.get('format')!r} (this unigrad reads {FORMAT} "
                        f"and {FORMAT_GENERIC})")
    device = Device(device) if device is not None else cpu
    tensors = load_tensors(path, device=device)
    if doc["format"] == FORMAT_GENERIC:
        return _load_generic(doc, tensors, device)
    graph = Graph(device)
    values = {}
    for p in doc["placeholders"]:
        values[p["name"]] = graph.placeholder(tuple(p["shape"]), _dt.to_dtype(p["dtype"]), p["name"])
    weights = {}
    for name in doc["captures"]:
        weights[name] = tensors[name]
        values[name] = graph.capture(tensors[name], name)
    for name in doc["constants"]:
        t = tensors[name]
        values[name] = graph.constant(t._data, t.dtype)
    for n in doc["nodes"]:
        op, attrs = _registry_op(n["op"], _decode(n["attrs"]))
        node = graph.add_node(op, [values[i] for i in n["inputs"]], attrs,
                              [(tuple(s), _dt.to_dtype(d)) for _, s, d in n["outputs"]], n.get("site"))
        for (name, _, _), v in zip(n["outputs"], node.outputs):
            values[name] = v
    graph.outputs = [values[o] for o in doc["outputs"]]
    graph.effects = [(weights[c], values[v]) for c, v in doc["effects"]]
    from .fusion import elementwise_fusion
    elementwise_fusion(graph)
    return LoadedGraph(graph, _decode(doc["output_structure"]), weights)


def _registry_op(name, attrs):
    """The registry op a node names (and its attrs, completed for files of older unigrads)."""
    if name.startswith("random."):  # written before random draws were registry ops: rand, randn, ...
        name = name[len("random."):]
        if name not in REGISTRY or not REGISTRY[name].random:
            raise DataError(f"jit.load: the graph holds the random draw '{name}' of an older unigrad, which this "
                            "one draws differently; trace and save the function again")
        attrs.setdefault("generator", None)
    if name not in REGISTRY:
        raise DataError(f"jit.load: the graph uses op '{name}', which this unigrad does not have")
    return REGISTRY[name], attrs


def _load_generic(doc, tensors, device):
    from .generalize import GenericGraph
    generic = GenericGraph(device)
    symbols = [Dim("sym", (i,), name) for i, (name, _, _) in enumerate(doc["symbols"])]
    generic.symbols = [(symbols[i], p, axis) for i, (_, p, axis) in enumerate(doc["symbols"])]
    refs = {}
    for i, p in enumerate(doc["placeholders"]):
        generic.placeholders.append((tuple(_decode(p["shape"], symbols)), _dt.to_dtype(p["dtype"]), p["name"]))
        refs[p["name"]] = ("p", i)
    weights = {}
    for i, name in enumerate(doc["captures"]):
        weights[name] = tensors[name]
        generic.captures.append(tensors[name])
        refs[name] = ("w", i)
    for i, c in enumerate(doc["constants"]):
        if c["kind"] == "array":
            t = tensors[c["name"]]
            generic.constants.append(("array", t._data, t.dtype))
        elif c["kind"] == "fill":
            generic.constants.append(("fill", (tuple(_decode(c["shape"], symbols)), _decode(c["value"], symbols)),
                                      _dt.to_dtype(c["dtype"])))
        else:
            generic.constants.append(("arange", tuple(_decode(c["shape"], symbols)), _dt.to_dtype(c["dtype"])))
        refs[c["name"]] = ("c", i)
    for j, n in enumerate(doc["nodes"]):
        outs = [(tuple(_decode(shape, symbols)), _dt.to_dtype(d)) for _, shape, d in n["outputs"]]
        op, attrs = _registry_op(n["op"], _decode(n["attrs"], symbols))
        generic.nodes.append((op, [refs[i] for i in n["inputs"]], attrs, outs, n.get("site")))
        for k, (name, _, _) in enumerate(n["outputs"]):
            refs[name] = ("n", j, k)
    generic.outputs = [refs[o] for o in doc["outputs"]]
    generic.effects = [(weights[c], refs[v]) for c, v in doc["effects"]]
    return LoadedGraph(None, _decode(doc["output_structure"]), weights, generic)
