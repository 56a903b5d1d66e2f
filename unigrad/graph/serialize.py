"""ug.jit.save / ug.jit.load: a compiled graph and its weights in one safetensors file.

The file holds every captured tensor and constant as a named tensor, and the graph itself as
JSON in the safetensors metadata (key "unigrad.graph"): placeholders, nodes by registry op
name with JSON-encoded attributes, outputs, effects and the output structure. Loading needs
only the op registry, never the Python code or classes that produced the graph, and never
executes code from the file (no pickle).
"""
import json

import numpy as np

from ..autograd.tensor import Tensor
from ..backend import dtypes as _dt
from ..backend.device import Device, cpu
from ..errors import DataError
from ..io.safetensors_io import load as load_tensors, save as save_tensors
from ..ops.movement.indexing import Slot
from ..ops.registry import REGISTRY
from .executor import Plan, wrap_outputs
from .ir import Graph

FORMAT = "unigrad.graph/1"


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
    raise DataError(f"jit.save: cannot store an attribute of type {type(obj).__name__} ({obj!r})")


def _decode(obj):
    if isinstance(obj, list):
        return [_decode(o) for o in obj]
    if not isinstance(obj, dict):
        return obj
    (kind, body), = obj.items()
    if kind == "tuple":
        return tuple(_decode(o) for o in body)
    if kind == "dict":
        return {k: _decode(v) for k, v in body}
    if kind == "dtype":
        return _dt.to_dtype(body)
    if kind == "device":
        return Device(body)
    if kind == "slice":
        return slice(*[_decode(b) for b in body])
    if kind == "ellipsis":
        return Ellipsis
    if kind == "slot":
        return Slot(body)
    raise DataError(f"jit.load: unknown attribute encoding {kind!r}")


def save(compiled, path):
    """Write the graph of a compiled function (one input signature) and its weights to `path`."""
    from .jit import CompiledFunction
    if isinstance(compiled, CompiledFunction):
        if len(compiled.cache) != 1:
            raise DataError(f"jit.save: the function has been compiled for {len(compiled.cache)} input signatures; "
                            "save needs exactly one (call ug.jit.trace with the example inputs to save)")
        plan, out_spec, _device = next(iter(compiled.cache.values()))
        graph = plan.graph
    else:
        graph, out_spec = compiled, ("T", 0)
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
        "nodes": [{"op": n.op if isinstance(n.op, str) else n.op.name, "inputs": [names[v] for v in n.inputs],
                   "attrs": _encode(n.attrs), "outputs": [[names[v], list(v.shape), v.dtype.name] for v in n.outputs],
                   "site": n.site} for n in nodes],
        "outputs": [names[v] for v in graph.outputs],
        "effects": [[capture_names[id(t)], names[v]] for t, v in graph.effects],
        "output_structure": _encode(out_spec),
    }
    save_tensors(tensors, path, metadata={"unigrad.graph": json.dumps(doc)})


class LoadedGraph:
    """A graph loaded from a file: call it like the compiled function it was saved from."""

    def __init__(self, graph, out_spec, weights):
        self.graph, self.out_spec, self.weights = graph, out_spec, weights
        self.plan = Plan(graph)

    def __call__(self, *inputs):
        from .jit import _unflatten
        if len(inputs) != len(self.graph.placeholders):
            raise DataError(f"this graph takes {len(self.graph.placeholders)} inputs, got {len(inputs)}")
        for i, (t, v) in enumerate(zip(inputs, self.graph.placeholders)):
            if tuple(t.shape) != v.shape or t.dtype is not v.dtype:
                raise DataError(f"input {i}: expected {v.spec()}, got {t.dtype.name}{list(t.shape)}")
        arrays = self.plan.run([t._data for t in inputs])
        return _unflatten(self.out_spec, wrap_outputs(self.plan, arrays, self.graph.device))

    def state_dict(self):
        return dict(self.weights)

    def __str__(self):
        return str(self.graph)


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
    if doc.get("format") != FORMAT:
        raise DataError(f"jit.load: unsupported graph format {doc.get('format')!r} (this unigrad reads {FORMAT})")
    device = Device(device) if device is not None else cpu
    tensors = load_tensors(path, device=device)
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
        op = n["op"]
        if not op.startswith("random."):
            if op not in REGISTRY:
                raise DataError(f"jit.load: the graph uses op '{op}', which this unigrad does not have")
            op = REGISTRY[op]
        node = graph.add_node(op, [values[i] for i in n["inputs"]], _decode(n["attrs"]),
                              [(tuple(s), _dt.to_dtype(d)) for _, s, d in n["outputs"]], n.get("site"))
        for (name, _, _), v in zip(n["outputs"], node.outputs):
            values[name] = v
    graph.outputs = [values[o] for o in doc["outputs"]]
    graph.effects = [(weights[c], values[v]) for c, v in doc["effects"]]
    from .fusion import elementwise_fusion
    elementwise_fusion(graph)
    return LoadedGraph(graph, _decode(doc["output_structure"]), weights)
