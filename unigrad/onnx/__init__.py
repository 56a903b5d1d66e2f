"""ONNX for unigrad: export models and functions, import and run (or fine-tune) ONNX models, and
onnx's backend interface.

    ug.onnx.export(model, example_inputs, "model.onnx", dynamic_axes={"input": {0: "batch"}})
    graph = ug.onnx.load("model.onnx")        # runs compiled, like ug.jit
    module = ug.onnx.to_module("model.onnx")  # a trainable Module
"""
from . import dtypes as _dtypes  # noqa: F401  (registers the element types ONNX has)
from .errors import OnnxExportError, OnnxImportError, OnnxInputError, UnsupportedOnnxError
from .export import default_opset, export
from .model import OnnxModel, load
from .module import OnnxModule, to_module

__all__ = ["export", "default_opset", "load", "to_module", "OnnxModel", "OnnxModule", "OnnxExportError", "OnnxImportError", "OnnxInputError",
           "UnsupportedOnnxError"]
