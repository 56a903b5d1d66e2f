"""Flat safetensors files (name -> tensor), for the savers that manage their own names and
metadata (saved graphs, TF1 checkpoints): written atomically, read without running code.
ug.save / ug.load (io/serialization.py) store any nested structure on top of the same format."""
import os

import numpy as np

from ..core.tensor import Tensor, _host
from ..errors import DataError
from .serialization import load as _load_any, write_atomically


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
    raise DataError(f"this file stores Tensors and dicts of Tensors (safetensors), got {type(obj).__name__} "
                    f"at '{prefix.rstrip('.')}'. Store other values with json next to the weights.")


def save(obj, path, metadata=None):
    """Write a Tensor or a (nested) dict of Tensors to `path` as flat safetensors entries
    ("a.b" for obj["a"]["b"]), atomically."""
    from safetensors.numpy import save as st_save
    arrays = {k: np.require(_host(t.detach()._data), requirements="C") for k, t in _flatten(obj).items()}
    data = st_save(arrays, metadata={str(k): str(v) for k, v in (metadata or {}).items()} or None)
    write_atomically(os.fspath(path), data)


def load(path, map_location=None, device=None):
    """Read a flat safetensors file into a dict name -> Tensor (no code is ever executed)."""
    out = _load_any(path, map_location=map_location, device=device)
    if not isinstance(out, dict):
        raise DataError(f"'{os.fspath(path)}' holds a {type(out).__name__}, not a dict of tensors")
    return out
