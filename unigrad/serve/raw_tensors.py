"""Tensors as raw bytes: the KServe binary tensor data extension and gRPC's raw_*_contents.

Little-endian, row-major, no padding; BOOL is one byte per element; each BYTES element is a
4-byte little-endian length followed by its bytes.
"""
import struct

import numpy as np

from .datatypes import numpy_dtype
from .errors import InvalidRequest


def element_count(shape, where):
    if not isinstance(shape, (list, tuple)) or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0
                                                       for d in shape):
        raise InvalidRequest(f"{where}: shape must be a list of non-negative integers, got {shape!r}")
    n = 1
    for d in shape:
        n *= d
    return n


def decode_raw(blob, datatype, shape, where):
    """The array `blob` holds, checked against datatype and shape."""
    dtype = numpy_dtype(datatype, where)
    count = element_count(shape, where)
    if datatype == "BYTES":
        return _decode_bytes(blob, count, shape, where)
    expected = count * dtype.itemsize
    if len(blob) != expected:
        raise InvalidRequest(f"{where}: {datatype}{list(shape)} takes {expected} bytes of raw data, got {len(blob)}")
    array = np.frombuffer(blob, dtype=dtype.newbyteorder("<") if dtype.itemsize > 1 else dtype)
    if dtype.kind == "b" and array.size and array.view(np.uint8).max() > 1:
        raise InvalidRequest(f"{where}: BOOL raw data holds bytes other than 0 and 1")
    return array.astype(dtype, copy=False).reshape(shape)


def encode_raw(array):
    """The raw bytes of an array (object arrays: length-prefixed BYTES elements)."""
    if array.dtype == object:
        parts = []
        for item in array.reshape(-1):
            b = item if isinstance(item, bytes) else str(item).encode()
            parts.append(struct.pack("<I", len(b)))
            parts.append(b)
        return b"".join(parts)
    if array.dtype.byteorder == ">":
        array = array.astype(array.dtype.newbyteorder("<"))
    return np.ascontiguousarray(array).tobytes()


def _decode_bytes(blob, count, shape, where):
    items, offset, view = [], 0, memoryview(blob)
    for i in range(count):
        if offset + 4 > len(blob):
            raise InvalidRequest(f"{where}: BYTES raw data ends inside element {i} of {count}")
        (length,) = struct.unpack_from("<I", blob, offset)
        offset += 4
        if offset + length > len(blob):
            raise InvalidRequest(f"{where}: BYTES element {i} says {length} bytes, only {len(blob) - offset} remain")
        items.append(bytes(view[offset:offset + length]))
        offset += length
    if offset != len(blob):
        raise InvalidRequest(f"{where}: {len(blob) - offset} bytes of raw data left after {count} BYTES elements")
    out = np.empty(count, dtype=object)
    out[:] = items
    return out.reshape(shape)
