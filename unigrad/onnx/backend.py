"""onnx's backend interface over unigrad (onnx.backend.base.Backend): what onnx's official
backend test suite drives.

    import unigrad.onnx.backend as backend
    rep = backend.prepare(model_proto, "CPU")
    outputs = rep.run([x])
"""
import numpy as np
import onnx
from onnx import helper
from onnx.backend.base import Backend, BackendRep

from .. import cuda
from .dtypes import to_onnx
from .model import OnnxModel, _to_numpy
from .importer.model import ImportedModel


def _device(device):
    text = str(device).upper()
    return "cuda" if text.startswith("CUDA") else "cpu"


class UnigradRep(BackendRep):
    """A prepared model: run(inputs) takes the inputs in graph order (or a dict by name)."""

    def __init__(self, model):
        self.model = model

    def run(self, inputs, **kwargs):
        if isinstance(inputs, dict):
            outs = self.model(**{k: _plain(v) for k, v in inputs.items()})
        else:
            if not isinstance(inputs, (list, tuple)):
                inputs = [inputs]
            outs = self.model(*[_plain(v) for v in inputs])
        outs = outs if isinstance(outs, tuple) else (outs,)
        return tuple(_to_numpy(o) for o in outs)


def _plain(value):
    if isinstance(value, np.generic):
        return np.asarray(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class UnigradBackend(Backend):
    @classmethod
    def is_compatible(cls, model, device="CPU", **kwargs):
        return cls.supports_device(device)

    @classmethod
    def prepare(cls, model, device="CPU", compile=True, **kwargs):
        """A UnigradRep of a ModelProto (or a path): parsed, checked, compiled on first run."""
        if not isinstance(model, onnx.ModelProto):
            from .reading import read_model
            model, _ = read_model(model)
        imported = ImportedModel(model)
        prepared = OnnxModel(imported, _device(device), compile=compile)
        prepared._quiet = True
        return UnigradRep(prepared)

    @classmethod
    def run_model(cls, model, inputs, device="CPU", **kwargs):
        return cls.prepare(model, device, **kwargs).run(inputs)

    @classmethod
    def run_node(cls, node, inputs, device="CPU", outputs_info=None, **kwargs):
        """Run one NodeProto on NumPy inputs (its outputs' types inferred)."""
        arrays = [_plain(x) for x in inputs]
        graph_inputs = [helper.make_tensor_value_info(name, to_onnx(np.asarray(a).dtype), list(np.shape(a)))
                        for name, a in zip(node.input, arrays) if name]
        graph_outputs = [helper.make_empty_tensor_value_info(name) for name in node.output if name]
        graph = helper.make_graph([node], "run_node", graph_inputs, graph_outputs)
        opset = kwargs.get("opset_version", onnx.defs.onnx_opset_version())
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid(node.domain or "", opset)])
        return cls.run_model(model, [a for name, a in zip(node.input, arrays) if name], device)

    @classmethod
    def supports_device(cls, device):
        text = str(device).upper()
        if text.startswith("CUDA"):
            return cuda.is_available()
        return text.startswith("CPU")


prepare = UnigradBackend.prepare
run_model = UnigradBackend.run_model
run_node = UnigradBackend.run_node
supports_device = UnigradBackend.supports_device
is_compatible = UnigradBackend.is_compatible
