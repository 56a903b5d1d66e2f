"""MNIST's IDX files (plain or gzip-compressed), as convert-mnist reads them."""
import gzip

import numpy as np

from ..errors import CaffeFileError

_MAGIC = {2049: 1, 2051: 3}  # labels: 1 dimension, images: 3


def read_idx(path):
    """The uint8 array in an IDX file (idx1 labels or idx3 images)."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as exc:
        raise CaffeFileError(f"{path}: cannot read: {exc.strerror}") from None
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if len(raw) < 8:
        raise CaffeFileError(f"{path}: too short for an IDX file")
    magic = int.from_bytes(raw[:4], "big")
    if magic not in _MAGIC:
        raise CaffeFileError(f"{path}: not an MNIST IDX file (magic number {magic}; images have 2051, labels 2049)")
    ndim = _MAGIC[magic]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    start = 4 + 4 * ndim
    count = int(np.prod(dims))
    if len(raw) - start < count:
        raise CaffeFileError(f"{path}: truncated: {len(raw) - start} bytes of data for shape {dims}")
    return np.frombuffer(raw, np.uint8, count, start).reshape(dims)
