"""ug.onnx.load: an ONNX model as a compiled unigrad function.

Calling it runs the model's graph through the import rules; with `compile=True` (the default)
the call is traced once per input signature into a unigrad graph that the same passes and
executor as ug.jit optimise and run (on the CPU or on CUDA, where the inputs are), sizes
generalised across calls as ug.jit does.
"""
import warnings

import numpy as np

from ..backend.device import Device, cpu
from ..core.tensor import Tensor, as_tensor
from ..graph.jit import CompiledFunction, JitFallbackWarning
from .dtypes import to_unigrad
from .errors import OnnxInputError
from .importer.interpreter import Run
from .importer.model import ImportedModel
from .reading import read_model


class InputSpec:
    """A graph input: its name, dtype (None for sequences and optionals), shape (ints, names of
    symbolic sizes, or None for unknown sizes; None for an unknown rank)."""
    __slots__ = ("name", "dtype", "shape", "kind", "optional")

    def __init__(self, name, type_proto, optional=False):
        self.name, self.optional = name, optional
        self.dtype, self.shape, self.kind = None, None, "tensor"
        if type_proto is None:
            return
        which = type_proto.WhichOneof("value")
        if which is None:  # (declared without a type: anything goes)
            return
        if which == "tensor_type":
            t = type_proto.tensor_type
            self.dtype = to_unigrad(t.elem_type) if t.elem_type else None
            if t.HasField("shape"):
                self.shape = [d.dim_value if d.HasField("dim_value") else (d.dim_param or None) for d in t.shape.dim]
        else:
            self.kind = which.replace("_type", "")

    def __repr__(self):
        shape = "?" if self.shape is None else "[" + ", ".join("?" if d is None else str(d) for d in self.shape) + "]"
        return f"{self.name}: {self.dtype.name if self.dtype else self.kind}{shape}"


class OnnxModel:
    """An imported ONNX model. Call it with its inputs (Tensors or arrays, by position or by
    name); `run(output_names, feed)` answers as onnxruntime's InferenceSession.run does."""

    def __init__(self, imported, device=cpu, compile=True):
        self.imported = imported
        self.device = Device(device)
        graph = imported.graph
        inits = set(graph.initializers)
        self.inputs = [InputSpec(n, t) for n, t in graph.inputs if n not in inits]
        self.optional_inputs = [InputSpec(n, t, True) for n, t in graph.inputs if n in inits]
        self.outputs = [InputSpec(n, t) for n, t in graph.outputs]
        self.input_names = [s.name for s in self.inputs]
        self.output_names = [s.name for s in self.outputs]
        self.training = False
        self.compiled = CompiledFunction(self._forward) if compile else None

    # ---- calling --------------------------------------------------------------------------
    def __call__(self, *args, **named):
        values = self._bind(args, named)
        if self.compiled is not None and self._quiet:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", category=JitFallbackWarning)
                outs = self.compiled(*values)
        elif self.compiled is not None:
            outs = self.compiled(*values)
        else:
            outs = self._forward(*values)
        return outs[0] if len(outs) == 1 else tuple(outs)

    _quiet = False  # the backend runs data-dependent models eagerly without a warning per model

    def run(self, output_names, input_feed, run_options=None):
        """Outputs as NumPy arrays (lists for sequences, None for empty optionals), as onnxruntime's
        InferenceSession.run(output_names, input_feed)."""
        outs = self(**input_feed)
        outs = outs if isinstance(outs, tuple) else (outs,)
        by_name = dict(zip(self.output_names, outs))
        wanted = output_names or self.output_names
        unknown = [n for n in wanted if n not in by_name]
        if unknown:
            raise OnnxInputError(f"run: {unknown} are not outputs of this model (its outputs: {self.output_names})")
        return [_to_numpy(by_name[n]) for n in wanted]

    def _forward(self, *values):
        run = Run(self.imported, _device_of(values, self.device), self.training)
        return tuple(self.imported.run(run, list(values)))

    def graph_for(self, *args, **named):
        """The compiled unigrad graph (ug.jit IR) this model runs for these inputs."""
        values = self._bind(args, named)
        return self.compiled.graph_for(*values)

    # ---- inputs ---------------------------------------------------------------------------
    def _bind(self, args, named):
        specs = self.inputs
        if len(args) > len(specs) + len(self.optional_inputs):
            raise OnnxInputError(f"the model takes {len(specs)} inputs ({self._names()}), got {len(args)}")
        names = [s.name for s in specs + self.optional_inputs]
        values = dict(zip(names, args))
        for name, value in named.items():
            if name not in names:
                raise OnnxInputError(f"the model has no input '{name}' (its inputs: {self._names()})")
            if name in values:
                raise OnnxInputError(f"input '{name}' is given twice (by position and by name)")
            values[name] = value
        missing = [s.name for s in specs if s.name not in values]
        if missing:
            raise OnnxInputError(f"missing input(s) {missing} (the model takes {self._names()})")
        fixed = [s.name for s in self.optional_inputs if s.name in values]
        if fixed:
            raise OnnxInputError(f"{fixed} are initializers of this model (weights), not inputs to feed")
        return [self._check(s, values[s.name]) for s in specs]

    def _names(self):
        return ", ".join(repr(s) for s in self.inputs)

    def _check(self, spec, value):
        if spec.kind != "tensor":
            if value is None or isinstance(value, list):
                return [self._tensor(v) for v in value] if isinstance(value, list) else None
            if spec.kind == "optional":
                return self._tensor(value)
            raise OnnxInputError(f"input '{spec.name}' is a {spec.kind}; give a list (or None for an empty optional)")
        if value is None:
            raise OnnxInputError(f"input '{spec.name}' is required ({spec!r}), got None")
        t = self._tensor(value, spec.dtype)
        if spec.dtype is not None and t.dtype is not spec.dtype:
            raise OnnxInputError(f"input '{spec.name}' expects {spec.dtype.name}, got {t.dtype.name} (convert it with "
                                 f".to(ug.{spec.dtype.name}) or np.asarray(..., dtype))")
        if spec.shape is not None:
            if t.ndim != len(spec.shape) or any(isinstance(d, int) and d and d != s
                                                 for d, s in zip(spec.shape, t.shape)):
                raise OnnxInputError(f"input '{spec.name}' expects shape {spec!r} "
                                     f"(symbolic sizes any), got {list(t.shape)}")
        return t

    def _tensor(self, value, dtype=None):
        if isinstance(value, Tensor):
            return value if value.device is self.device or value.device == self.device else value.to(self.device)
        arr = np.asarray(value)
        if arr.dtype.kind in "US":
            arr = arr.astype(object)
        return as_tensor(arr, device=self.device)

    def __repr__(self):
        return (f"OnnxModel(inputs=[{self._names()}], outputs={self.output_names}, "
                f"opset={self.imported.opsets.get('', '?')})")


def _device_of(values, default):
    for v in values:
        if isinstance(v, Tensor):
            return v.device
        if isinstance(v, list) and v and isinstance(v[0], Tensor):
            return v[0].device
    return default


def _to_numpy(value):
    if value is None:
        return None
    if isinstance(value, list):
        return [_to_numpy(v) for v in value]
    if isinstance(value, Tensor):
        return value.detach().cpu().numpy()
    return np.asarray(value)


def load(model, device=None, compile=True):
    """Load an ONNX model (a path, bytes, a file object or a ModelProto) as a callable unigrad
    function; unsupported ops are listed in one UnsupportedOnnxError.

    Example::

        >>> import tempfile, os
        >>> path = os.path.join(tempfile.mkdtemp(), "net.onnx")
        >>> _ = ug.onnx.export(ug.nn.Linear(3, 2), ug.ones(1, 3), path, input_names=["x"])
        >>> net = ug.onnx.load(path)
        >>> net.input_names, net(ug.ones(1, 3)).shape
        (['x'], unigrad.Size([1, 2]))
    """
    proto, where = read_model(model)
    return OnnxModel(ImportedModel(proto, where), device or cpu, compile)
