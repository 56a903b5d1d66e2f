"""ug.save / ug.load: state dicts as safetensors files, written atomically. Never pickle."""
import os
import tempfile

import numpy as np

from ..core.tensor import Tensor, as_tensor, _host
from ..errors import DataError


def _flatten(obj, prefix=""):
    if isinstance(obj, Tensor):
        return {prefix.rstrip("."): obj}
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            if not isinstance(k, str):
                raise DataError(f"unigrad.save: keys must be strings, got {k!r}")
            out.update(_flatten(v, f"{prefix}{k}."))
        return out
    raise DataError(f"unigrad.save stores Tensors and dicts of Tensors (safetensors), got {type(obj).__name__} "
                    f"at '{prefix.rstrip('.')}'. Store other values with json next to the weights.")


def save(obj, path, metadata=None):
    """Write a Tensor or a (nested) dict of Tensors to `path` as safetensors, atomically."""
    from safetensors.numpy import save as st_save
    arrays = {k: np.require(_host(t.detach()._data), requirements="C") for k, t in _flatten(obj).items()}
    data = st_save(arrays, metadata={str(k): str(v) for k, v in (metadata or {}).items()} or None)
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise DataError(f"unigrad.save: cannot write '{path}': the directory '{folder}' does not exist "
                        "(create it first)")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".safetensors")
    except OSError as exc:
        raise DataError(f"unigrad.save: cannot write into '{folder}': {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def load(path, map_location=None, device=None):
    """Read a safetensors file into a flat dict name -> Tensor (no code is ever executed)."""
    from safetensors import SafetensorError
    from safetensors.numpy import load as st_load
    path = os.fspath(path)
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as exc:
        raise DataError(f"unigrad.load: cannot read '{path}': {exc.strerror}") from None
    try:
        arrays = st_load(raw)
    except (SafetensorError, Exception) as exc:
        raise DataError(f"unigrad.load: '{path}' is not a valid safetensors file ({exc}). unigrad saves weights "
                        "with unigrad.save; pickle-based .pt files are refused by design.") from None
    target = device or map_location
    return {k: as_tensor(v.copy() if not v.flags.writeable else v, device=target) for k, v in arrays.items()}
