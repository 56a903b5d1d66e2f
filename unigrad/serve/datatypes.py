"""Tensor element types as each protocol names them, and the NumPy dtype behind each."""
import numpy as np

from .errors import InvalidRequest

# KServe v2 / Open Inference Protocol names; BYTES elements are Python bytes in object arrays
KSERVE_TO_NUMPY = {
    "BOOL": np.dtype(np.bool_), "UINT8": np.dtype(np.uint8), "UINT16": np.dtype(np.uint16),
    "UINT32": np.dtype(np.uint32), "UINT64": np.dtype(np.uint64), "INT8": np.dtype(np.int8),
    "INT16": np.dtype(np.int16), "INT32": np.dtype(np.int32), "INT64": np.dtype(np.int64),
    "FP16": np.dtype(np.float16), "FP32": np.dtype(np.float32), "FP64": np.dtype(np.float64),
    "BYTES": np.dtype(object),
}
NUMPY_TO_KSERVE = {v: k for k, v in KSERVE_TO_NUMPY.items()}

# TensorFlow's DataType enum names, as TF Serving's metadata shows them
NUMPY_TO_TF = {
    np.dtype(np.bool_): "DT_BOOL", np.dtype(np.uint8): "DT_UINT8", np.dtype(np.uint16): "DT_UINT16",
    np.dtype(np.uint32): "DT_UINT32", np.dtype(np.uint64): "DT_UINT64", np.dtype(np.int8): "DT_INT8",
    np.dtype(np.int16): "DT_INT16", np.dtype(np.int32): "DT_INT32", np.dtype(np.int64): "DT_INT64",
    np.dtype(np.float16): "DT_HALF", np.dtype(np.float32): "DT_FLOAT", np.dtype(np.float64): "DT_DOUBLE",
    np.dtype(object): "DT_STRING",
}


def numpy_dtype(datatype, where):
    """The NumPy dtype of a KServe datatype name; `where` names the tensor for the error."""
    try:
        return KSERVE_TO_NUMPY[datatype]
    except (KeyError, TypeError):
        known = ", ".join(KSERVE_TO_NUMPY)
        raise InvalidRequest(f"{where}: unknown datatype {datatype!r} (this server takes {known})") from None


def kserve_datatype(dtype):
    """The KServe datatype name of a NumPy dtype."""
    return NUMPY_TO_KSERVE[np.dtype(dtype)]


def tf_datatype(dtype):
    """TensorFlow's name (DT_FLOAT, ...) of a NumPy dtype."""
    return NUMPY_TO_TF[np.dtype(dtype)]
