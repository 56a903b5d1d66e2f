"""BlobProto <-> NumPy: a blob's shape (the legacy num/channels/height/width when any is set,
else `shape`), its float or double data, and the files that hold one blob (.binaryproto)."""
import numpy as np

from .errors import CaffeFileError, WeightsMismatchError
from .parse import read_binary, write_binary
from .proto import caffe_pb2 as pb

_LEGACY = ("num", "channels", "height", "width")


def blob_shape(blob):
    """The blob's shape: legacy 4-D when any of num/channels/height/width is present."""
    if any(blob.HasField(f) for f in _LEGACY):
        return tuple(getattr(blob, f) for f in _LEGACY)
    return tuple(int(d) for d in blob.shape.dim)


def blob_to_array(blob, diff=False, where="blob"):
    """The blob's data (or diff) as a float32 array of its shape; double_data wins when present."""
    shape = blob_shape(blob)
    if diff:
        values = blob.double_diff if len(blob.double_diff) else blob.diff
    else:
        values = blob.double_data if len(blob.double_data) else blob.data
    array = np.asarray(values, dtype=np.float32)
    expected = int(np.prod(shape)) if shape else 1
    if array.size != expected:
        raise CaffeFileError(f"{where}: holds {array.size} values but its shape {list(shape)} needs {expected}; "
                             "the file is truncated or corrupt")
    return array.reshape(shape)


def array_to_blob(data, diff=None, blob=None):
    """A BlobProto with the modern `shape` and packed float data (and diff), as Caffe writes it."""
    blob = pb.BlobProto() if blob is None else blob
    data = np.asarray(data, dtype=np.float32)
    blob.shape.dim.extend(data.shape)
    if not data.shape:
        blob.shape.SetInParent()  # a 0-axis blob still writes an empty shape (bytes 3a 00)
    blob.data.extend(data.ravel().tolist())
    if diff is not None:
        blob.diff.extend(np.asarray(diff, dtype=np.float32).ravel().tolist())
    return blob


def fits(source_shape, target_shape):
    """Caffe's shape check for copying weights: equal, or a legacy 4-D source right-aligned with
    missing leading axes taken as 1 (1x1x500x800 fits 500x800)."""
    source_shape, target_shape = tuple(source_shape), tuple(target_shape)
    if source_shape == target_shape:
        return True
    if len(source_shape) == 4 and len(target_shape) <= 4:
        return source_shape == (1,) * (4 - len(target_shape)) + target_shape
    return False


def check_fits(source_shape, target_shape, layer, index):
    if not fits(source_shape, target_shape):
        raise WeightsMismatchError(
            f"cannot copy param {index} weights from layer '{layer}'; shape mismatch. Source param shape is "
            f"{list(source_shape)}; target param shape is {list(target_shape)}. To learn this layer's parameters "
            "from scratch rather than copying from a saved net, rename the layer.")


def read_blobproto(path):
    """The BlobProto in a .binaryproto file (e.g. a mean file)."""
    blob = read_binary(path, pb.BlobProto)
    if not blob_shape(blob) and not len(blob.data) and not len(blob.double_data):
        raise CaffeFileError(f"{path}: holds no blob (an empty or foreign file; a .binaryproto mean or matrix "
                             "was expected)")
    return blob


def read_array(path):
    """The blob in a .binaryproto file as a float32 array."""
    return blob_to_array(read_blobproto(path), where=path)


def write_array(path, data, legacy=False):
    """Write `data` as a .binaryproto; `legacy` uses num/channels/height/width (4-D, as
    compute_image_mean writes mean files)."""
    data = np.asarray(data, dtype=np.float32)
    if legacy:
        shape = (1,) * (4 - data.ndim) + data.shape
        blob = pb.BlobProto(num=shape[0], channels=shape[1], height=shape[2], width=shape[3])
        blob.data.extend(data.ravel().tolist())
    else:
        blob = array_to_blob(data)
    write_binary(path, blob)
