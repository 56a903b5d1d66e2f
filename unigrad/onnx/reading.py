"""Reading an ONNX model from a path, bytes or a ModelProto, with a clear error for each way a
file can be wrong (missing, truncated, not ONNX, external data missing). Protobuf parsing
never executes code from the file."""
import os

import onnx
from google.protobuf.message import DecodeError
from onnx import external_data_helper

from .errors import OnnxImportError


def read_model(source):
    """(ModelProto with its external data loaded, a name for messages)."""
    if isinstance(source, onnx.ModelProto):
        _check_external(source, None, "the ModelProto")
        return source, "the ModelProto"
    if isinstance(source, (bytes, bytearray, memoryview)):
        return _parse(bytes(source), "the model bytes"), "the model bytes"
    if hasattr(source, "read"):
        return _parse(source.read(), "the model file object"), "the model file object"
    path = os.fspath(source)
    where = f"'{path}'"
    if not os.path.exists(path):
        raise OnnxImportError(f"{where}: no such file")
    if os.path.isdir(path):
        raise OnnxImportError(f"{where} is a folder, not an ONNX model file")
    with open(path, "rb") as f:
        data = f.read()
    model = _parse(data, where)
    _check_external(model, os.path.dirname(os.path.abspath(path)), where)
    return model, where


def _parse(data, where):
    if not data:
        raise OnnxImportError(f"{where} is empty, not an ONNX model")
    model = onnx.ModelProto()
    try:
        model.ParseFromString(data)
    except (DecodeError, RuntimeError, ValueError) as exc:
        raise OnnxImportError(f"{where} is not an ONNX model, or it is truncated (protobuf could not parse it: "
                              f"{exc})") from None
    if not model.HasField("graph") or (not model.graph.node and not model.graph.output):
        raise OnnxImportError(f"{where} parses but holds no ONNX graph (no nodes and no outputs): not an ONNX model")
    if not model.opset_import and model.ir_version == 0:
        raise OnnxImportError(f"{where} holds no IR version and no opset: not an ONNX model")
    return model


def _check_external(model, base_dir, where):
    """Load tensors kept in external files; a missing or short file is named."""
    tensors = [t for t in external_data_helper._get_all_tensors(model)
               if t.data_location == onnx.TensorProto.EXTERNAL]
    if not tensors:
        return
    if base_dir is None:
        if all(t.raw_data for t in tensors):
            return
        raise OnnxImportError(f"{where} keeps tensor '{tensors[0].name}' in an external file; load the model from "
                              "its path (or call onnx.load with load_external_data=True) so the data is found")
    for t in tensors:
        info = {e.key: e.value for e in t.external_data}
        location = info.get("location", "")
        path = os.path.join(base_dir, location)
        if not location or not os.path.isfile(path):
            raise OnnxImportError(f"{where}: tensor '{t.name}' keeps its data in the external file '{location}', "
                                  f"which is not there ({path}); copy the data file beside the model")
        size = os.path.getsize(path)
        end = int(info.get("offset", 0)) + int(info.get("length", 0) or 0)
        if end > size:
            raise OnnxImportError(f"{where}: tensor '{t.name}' needs bytes up to {end} of '{location}', which has "
                                  f"{size}: the data file is truncated")
    try:
        external_data_helper.load_external_data_for_model(model, base_dir)
    except (OSError, ValueError) as exc:
        raise OnnxImportError(f"{where}: its external data could not be read ({exc})") from None
