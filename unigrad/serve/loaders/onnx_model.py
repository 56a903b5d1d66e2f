"""ONNX files (`model.onnx`): recognised, not served yet.

The server runs ONNX models once unigrad's ONNX import (`ug.onnx.load`) has landed; until then a
version holding only an .onnx file is reported with what to do instead. A model.onnx beside a
saved graph is not this loader's: the graph serves and the web page runs the .onnx in the browser."""
from ..errors import ModelLoadError
from . import Loader, register


def load(path, device):
    raise ModelLoadError(f"{path}: ONNX models are not served yet (this unigrad cannot import ONNX files: "
                         "ug.onnx.load has not landed). Serve the model as a compiled graph instead "
                         "(ug.jit.save(ug.jit.trace(model, (x,), dynamic_batch=True), 'model.safetensors')); a "
                         "model.onnx beside it is what the web page runs in the browser")


register(Loader("onnx_onnxv1", (".onnx",), load))
