"""What ug.save stores besides the tensors: the nested containers around them, as JSON.

Every value becomes a small tagged list, so a loaded object is what was saved: ["t", key,
requires_grad] a tensor (its array is the safetensors entry `key`), ["a", key] a NumPy array,
["i", 3] / ["f", 0.5] / ["b", true] / ["s", "text"] / ["n"] Python values, ["ns", "float32",
0.5] a NumPy scalar, ["l", [...]] / ["tu", [...]] / ["size", [...]] sequences, ["d", [[k, v],
...]] / ["od", ...] mappings whose keys are encoded the same way (so an optimizer's int keys
stay ints), ["dt", "float32"] a dtype and ["dev", "cpu"] a device. A tensor reached twice (tied
weights) is stored once and comes back as one tensor."""
import collections
import json
import math

import numpy as np

from ..backend import dtypes as _dt
from ..backend.device import Device
from ..core.tensor import Size, Tensor
from ..errors import DataError

STRUCTURE_KEY = "unigrad.structure"


class Encoder:
    """Walks an object, collecting its arrays (name -> host array) and building its JSON tree."""

    def __init__(self):
        self.arrays = {}
        self.by_id = {}  # id(tensor or array) -> its key, so shared ones are stored once

    def encode(self, obj, path=""):
        if isinstance(obj, Tensor):
            return ["t", self._store(obj, path, lambda: obj.detach()._data), bool(obj.requires_grad)]
        if isinstance(obj, np.ndarray):
            if obj.dtype.kind in "OUSVmM":
                raise DataError(f"unigrad.save: the NumPy array at '{path or '<root>'}' has dtype {obj.dtype}; only "
                                "numeric and bool arrays can be saved")
            return ["a", self._store(obj, path, lambda: obj)]
        if obj is None:
            return ["n"]
        if isinstance(obj, (bool, np.bool_)):
            return ["b", bool(obj)]
        if isinstance(obj, int):
            return ["i", obj]
        if isinstance(obj, float):
            return ["f", _float(obj)]
        if isinstance(obj, np.generic) and obj.dtype.kind in "biuf":
            return ["ns", obj.dtype.name, _float(obj.item()) if obj.dtype.kind == "f" else obj.item()]
        if isinstance(obj, str):
            return ["s", obj]
        if isinstance(obj, _dt.DType):
            return ["dt", obj.name]
        if isinstance(obj, Device):
            return ["dev", str(obj)]
        if isinstance(obj, Size):
            return ["size", list(obj)]
        if isinstance(obj, (dict, collections.OrderedDict)):
            tag = "od" if isinstance(obj, collections.OrderedDict) else "d"
            return [tag, [[self.encode(k, path), self.encode(v, _join(path, k))] for k, v in obj.items()]]
        if isinstance(obj, (list, tuple)):  # (a namedtuple comes back as a plain tuple)
            tag = "tu" if isinstance(obj, tuple) else "l"
            return [tag, [self.encode(v, _join(path, i)) for i, v in enumerate(obj)]]
        raise DataError(f"unigrad.save stores Tensors, NumPy arrays, numbers, strings, None, dtypes, devices and "
                        f"dicts, lists and tuples of them; got a {type(obj).__name__} at '{path or '<root>'}'. "
                        "Store other objects' data in one of those forms (never pickle: loading it would run code)")

    def _store(self, obj, path, host_array):
        key = self.by_id.get(id(obj))
        if key is not None:
            return key
        key = path or "tensor"
        while key in self.arrays:  # a path that collides with another (keys holding dots)
            key += "_"
        array = host_array()
        self.arrays[key] = array
        self.by_id[id(obj)] = key
        return key


def _join(path, key):
    return f"{path}.{key}" if path else str(key)


def _float(value):
    # JSON has no inf/nan: keep them as strings the decoder knows
    return value if math.isfinite(value) else repr(value)


def _unfloat(value):
    return float(value) if isinstance(value, str) else value


def dumps(tree):
    return json.dumps(tree, separators=(",", ":"))


def decode(tree, tensors, arrays, source):
    """Rebuild the object a tree describes; `tensors(key, requires_grad)` and `arrays(key)`
    give the stored data. `source` names the file in errors."""
    def walk(node):
        try:
            tag = node[0]
            if tag == "t":
                return tensors(node[1], node[2])
            if tag == "a":
                return arrays(node[1])
            if tag == "n":
                return None
            if tag in ("b", "i", "s"):
                return node[1]
            if tag == "f":
                return _unfloat(node[1])
            if tag == "ns":
                return np.dtype(node[1]).type(_unfloat(node[2]))
            if tag == "dt":
                return _dt.to_dtype(node[1])
            if tag == "dev":
                return Device(node[1])
            if tag == "size":
                return Size(node[1])
            if tag in ("d", "od"):
                items = [(walk(k), walk(v)) for k, v in node[1]]
                return collections.OrderedDict(items) if tag == "od" else dict(items)
            if tag in ("l", "tu"):
                items = [walk(v) for v in node[1]]
                return tuple(items) if tag == "tu" else items
        except (TypeError, IndexError, KeyError, ValueError) as exc:
            raise DataError(f"unigrad.load: '{source}' has a malformed structure entry {node!r} ({exc})") from None
        raise DataError(f"unigrad.load: '{source}' has an unknown structure tag {node!r}; was it written by a newer "
                        "unigrad?")
    return walk(tree)


def loads(text, source):
    try:
        return json.loads(text)
    except ValueError as exc:
        raise DataError(f"unigrad.load: '{source}' has a corrupt '{STRUCTURE_KEY}' entry ({exc})") from None
