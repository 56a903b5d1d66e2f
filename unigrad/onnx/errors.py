"""The errors ONNX export, import and running raise (all in unigrad's error family)."""
from ..errors import DataError, InvalidArgumentError, UnigradError


class OnnxExportError(UnigradError, ValueError):
    """A model or function cannot be written as ONNX (an op without an export rule, state written
    in place, a trace that depends on data); the message says which and what to do."""


class OnnxImportError(DataError):
    """A file or ModelProto is not a valid ONNX model (truncated, not ONNX, a cycle, a dangling
    input, missing external data); the message names the file and the node or tensor."""


class UnsupportedOnnxError(OnnxImportError):
    """The model uses ops (or opsets) this unigrad cannot run. `unsupported` lists every one:
    (node name, op_type, domain, opset)."""

    def __init__(self, message, unsupported=()):
        super().__init__(message)
        self.unsupported = list(unsupported)


class OnnxInputError(InvalidArgumentError):
    """A run was given an input of the wrong name, shape or dtype; the message says what the
    model expects."""
