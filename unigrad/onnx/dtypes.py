"""ONNX element types <-> NumPy dtypes <-> unigrad dtypes.

ONNX has element types unigrad's backend does not list yet (uint16/32/64, bfloat16, the float8,
float4 and 4- and 2-bit integer types, strings). NumPy and ml_dtypes (which onnx itself uses)
compute on all of them, so they are registered here as unigrad dtypes when the backend lacks
them; once backend/dtypes.py has them, registering is a no-op.
"""
import ml_dtypes
import numpy as np
from onnx import TensorProto, helper

from ..backend import dtypes as _dt

# name, NumPy dtype, category (0 bool, 1 integer, 2 floating, 3 other)
_EXTRA = [
    ("uint16", np.uint16, 1), ("uint32", np.uint32, 1), ("uint64", np.uint64, 1),
    ("bfloat16", ml_dtypes.bfloat16, 2),
    ("float8_e4m3fn", ml_dtypes.float8_e4m3fn, 2), ("float8_e4m3fnuz", ml_dtypes.float8_e4m3fnuz, 2),
    ("float8_e5m2", ml_dtypes.float8_e5m2, 2), ("float8_e5m2fnuz", ml_dtypes.float8_e5m2fnuz, 2),
    ("float8_e8m0fnu", ml_dtypes.float8_e8m0fnu, 2), ("float4_e2m1fn", ml_dtypes.float4_e2m1fn, 2),
    ("int4", ml_dtypes.int4, 1), ("uint4", ml_dtypes.uint4, 1), ("int2", ml_dtypes.int2, 1),
    ("uint2", ml_dtypes.uint2, 1),
    ("complex64", np.complex64, 3), ("complex128", np.complex128, 3),
    ("string", np.object_, 3),
]


def _register_missing():
    for name, np_dtype, category in _EXTRA:
        if np.dtype(np_dtype) not in _dt.DType._by_np:
            dtype = _dt.DType(name, np_dtype, category)
            _dt._BY_NAME.setdefault(name, dtype)


_register_missing()

STRING = _dt.to_dtype(np.object_)


def to_numpy_dtype(elem_type):
    """The NumPy dtype of an ONNX element type (a TensorProto.DataType value)."""
    if elem_type == TensorProto.STRING:
        return np.dtype(object)
    return np.dtype(helper.tensor_dtype_to_np_dtype(elem_type))


def to_unigrad(elem_type):
    """The unigrad dtype of an ONNX element type."""
    return _dt.to_dtype(to_numpy_dtype(elem_type))


_ONNX_OF_NAME = {}


def to_onnx(dtype):
    """The ONNX element type (TensorProto.DataType) of a unigrad dtype or NumPy dtype."""
    np_dtype = dtype.np if isinstance(dtype, _dt.DType) else np.dtype(dtype)
    if np_dtype == np.dtype(object):
        return TensorProto.STRING
    found = _ONNX_OF_NAME.get(np_dtype)
    if found is None:
        found = _ONNX_OF_NAME[np_dtype] = helper.np_dtype_to_tensor_dtype(np_dtype)
    return found


def name_of(elem_type):
    """'FLOAT', 'INT64', ... for messages."""
    try:
        return TensorProto.DataType.Name(elem_type)
    except ValueError:
        return f"<element type {elem_type}>"
