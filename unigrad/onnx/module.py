"""ug.onnx.to_module: an ONNX model as a trainable Module.

Float initializers that nodes read as data become Parameters (BatchNormalization's running
statistics become buffers, updated in training mode); initializers read as shapes, axes or other
static values stay constants. train()/eval() choose BatchNormalization's and Dropout's behaviour,
as in the model's framework. The module exports again with ug.onnx.export.
"""
import re

import numpy as np

from ..core.tensor import Tensor, as_tensor
from ..nn.modules.module import Module
from ..nn.parameter import Parameter
from .importer.interpreter import Run
from .importer.model import ImportedModel
from .importer.rules import canonical_domain
from .model import OnnxModel
from .reading import read_model

_RUNNING_STATS = {"BatchNormalization": (3, 4)}  # input positions holding running mean and variance


class OnnxModule(Module):
    """A Module running an imported ONNX graph. ``onnx_names`` maps each parameter or buffer's
    attribute name to its initializer's name in the file."""

    def __init__(self, imported, device=None):
        super().__init__()
        self._imported = imported
        self._runner = OnnxModel(imported, device or "cpu", compile=False)
        self.onnx_names = {}
        trainable, buffers = _roles(imported)
        for name, arr in imported.graph.initializers.items():
            if name not in trainable and name not in buffers:
                continue
            attr = self._attribute_name(name)
            data = np.array(arr, copy=True)  # (the module's own memory: training must not write the file's arrays)
            if name in buffers:
                self.register_buffer(attr, as_tensor(data))
            else:
                self.register_parameter(attr, Parameter(data))
            self.onnx_names[attr] = name
        self.input_names = self._runner.input_names
        self.output_names = self._runner.output_names

    def _attribute_name(self, name):
        attr = re.sub(r"\W", "_", name)
        attr = attr if attr and not attr[0].isdigit() else "p_" + attr
        while attr in self.onnx_names or hasattr(type(self), attr):
            attr += "_"
        return attr

    def forward(self, *args, **named):
        values = self._runner._bind(args, named)
        imported = self._imported
        stored = {**dict(self._parameters), **dict(self._buffers)}
        imported.parameters = {self.onnx_names[attr]: t for attr, t in stored.items() if t is not None}
        try:
            device = next((v.device for v in values if isinstance(v, Tensor)), self._runner.device)
            outs = imported.run(Run(imported, device, self.training), list(values))
        finally:
            imported.parameters = {}
        return outs[0] if len(outs) == 1 else tuple(outs)

    def extra_repr(self):
        return f"inputs={self.input_names}, outputs={self.output_names}, opset={self._imported.opsets.get('', '?')}"


def _roles(imported):
    """(initializers trained as Parameters, initializers kept as buffers): float initializers
    that no node reads as a static value (shape, axes, scales)."""
    graph = imported.graph
    floating = {n for n, a in graph.initializers.items() if isinstance(a, np.ndarray) and a.dtype.kind == "f"}
    static, buffers = set(), set()
    for node in graph.nodes:
        opset = imported.opsets.get(canonical_domain(node.domain), 1)
        found = imported.rule_for(node, opset)
        positions = set(found.static) if found is not None else set(range(len(node.inputs)))
        for i, name in enumerate(node.inputs):
            if i in positions:
                static.add(name)
            if i in _RUNNING_STATS.get(node.op_type, ()):
                buffers.add(name)
    trainable = floating - static - buffers
    return trainable, buffers & floating


def to_module(model, device=None):
    """An ONNX model (path, bytes, file object or ModelProto) as a trainable ``Module``.

    Example::

        >>> import tempfile, os
        >>> path = os.path.join(tempfile.mkdtemp(), "net.onnx")
        >>> _ = ug.onnx.export(ug.nn.Linear(3, 2), ug.ones(1, 3), path, input_names=["x"])
        >>> net = ug.onnx.to_module(path)
        >>> sorted(net.onnx_names.values())
        ['bias', 'weight']
        >>> net(ug.ones(4, 3)).shape
        unigrad.Size([4, 2])
    """
    proto, where = read_model(model)
    return OnnxModule(ImportedModel(proto, where), device)
