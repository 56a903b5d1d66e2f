"""The Caffe front door's errors: members of unigrad's error family that name the file, line,
layer or blob at fault and say what to do.

They carry their own location (a prototxt line, a layer name), so unlike other unigrad errors
they do not append the Python call site."""
from ..errors import DataError, InvalidArgumentError, ShapeError, UnigradError


class CaffeError(UnigradError):
    """Base of the Caffe errors."""

    def __init__(self, message):
        Exception.__init__(self, message)  # the message already says where


class CaffeFileError(CaffeError, DataError):
    """A file is not the Caffe file it should be: a prototxt syntax or schema error, a truncated
    or foreign binary, a .solverstate given as weights, an LMDB of the wrong records."""


class NetDefinitionError(CaffeError, InvalidArgumentError):
    """A net or solver definition Caffe would refuse: unknown bottom, unsupported layer type,
    contradictory parameters."""


class WeightsMismatchError(CaffeError, ShapeError):
    """Weights that do not fit the net they are loaded into (blob count or shape)."""


class LayerShapeError(CaffeError, ShapeError):
    """A layer's bottoms do not have shapes the layer accepts."""
