"""ug.save and ug.load: what PyTorch users save (tensors, state_dicts, optimizer states,
checkpoints of nested dicts and lists, NumPy arrays) without pickle.

A saved file is a safetensors file: the arrays are its entries and the containers around them
are JSON in its metadata (io/structure.py), so loading never runs code and other tools can read
the tensors. ug.load also reads the tensors of PyTorch's own .pt/.pth checkpoints (the zip that
torch.save writes) through a reader that only rebuilds tensors and containers
(io/torch_checkpoint.py)."""
import io
import os
import tempfile

import numpy as np

from ..backend.device import Device
from ..core.tensor import Tensor, _host, as_tensor
from ..errors import DataError, InvalidArgumentError, InvalidTypeError
from . import structure, torch_checkpoint

_LEGACY_MAGIC = b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19"  # torch.save's pre-1.6 format starts with this


def _refuse_objects(obj):
    """Modules and optimizers are code plus state: saving them would need pickle."""
    kind = None
    if hasattr(obj, "state_dict") and hasattr(obj, "named_parameters") and hasattr(obj, "forward"):
        kind, what = "a Module", "model"
    elif hasattr(obj, "state_dict") and hasattr(obj, "param_groups"):
        kind, what = "an optimizer", "optimizer"
    elif hasattr(obj, "state_dict") and hasattr(obj, "optimizer") and hasattr(obj, "get_last_lr"):
        kind, what = "a learning-rate scheduler", "scheduler"
    if kind is not None:
        raise InvalidTypeError(
            f"unigrad.save got {kind} ({type(obj).__name__}): storing the object itself would need pickle, and "
            f"loading a pickle runs code from the file, which unigrad never does. Save its state instead: "
            f"ug.save({what}.state_dict(), path), then rebuild the {what} from your code and call "
            f"{what}.load_state_dict(ug.load(path)).")


def save(obj, f, metadata=None, **_torch_options):
    """Write `obj` to `f` (a path, written atomically through a temporary file, or a binary file
    object): a Tensor, a NumPy array, or dicts, lists and tuples of them, numbers, strings,
    None, dtypes and devices, nested as deep as needed. ``ug.load`` gives back the same
    structure. A Module, an optimizer or a scheduler is refused: save its ``state_dict()``.
    `metadata`: extra str -> str entries for the safetensors header. PyTorch's keyword options
    (pickle_module, _use_new_zipfile_serialization, ...) are accepted and ignored.

    Example::

        >>> import io
        >>> buffer = io.BytesIO()
        >>> ug.save({"epoch": 3, "weights": [ug.ones(2)], "lr": 0.1}, buffer)
        >>> _ = buffer.seek(0)
        >>> ug.load(buffer)
        {'epoch': 3, 'weights': [tensor([1., 1.])], 'lr': 0.1}
    """
    _refuse_objects(obj)
    encoder = structure.Encoder()
    tree = encoder.encode(obj)
    extra = {str(k): str(v) for k, v in (metadata or {}).items()}
    if structure.STRUCTURE_KEY in extra:
        raise InvalidArgumentError(f"unigrad.save: the metadata key '{structure.STRUCTURE_KEY}' is reserved")
    extra[structure.STRUCTURE_KEY] = structure.dumps(tree)
    from safetensors.numpy import save as st_save
    arrays = {k: np.require(_host(a), requirements="C") for k, a in encoder.arrays.items()}
    data = st_save(arrays, metadata=extra)
    if hasattr(f, "write"):
        f.write(data)
        return
    write_atomically(os.fspath(f), data)


def write_atomically(path, data):
    """Write bytes to `path` through a temporary file in the same folder, so that a crash never
    leaves a half-written file."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise DataError(f"unigrad.save: cannot write '{path}': the directory '{folder}' does not exist "
                        "(create it first)")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".safetensors")
    except OSError as exc:
        raise DataError(f"unigrad.save: cannot write into '{folder}': {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _read_bytes(f):
    if hasattr(f, "read"):
        data = f.read()
        return (data if isinstance(data, bytes) else bytes(data)), getattr(f, "name", "<file object>")
    path = os.fspath(f)
    try:
        with open(path, "rb") as handle:
            return handle.read(), path
    except OSError as exc:
        raise DataError(f"unigrad.load: cannot read '{path}': {exc.strerror}") from None


def _placer(map_location, device):
    """Where loaded tensors go: map_location as PyTorch takes it (a device or its name, a dict of
    location -> location, or a function (tensor, location) -> tensor), or device."""
    target = device if device is not None else map_location
    if target is None:
        return lambda t, location="cpu": t
    if isinstance(target, dict):
        table = {str(k): v for k, v in target.items()}
        return lambda t, location="cpu": t.to(table.get(location, "cpu")) if table.get(location, "cpu") != "cpu" else t
    if callable(target) and not isinstance(target, (str, Device)):
        def call(t, location="cpu"):
            out = target(t, location)
            return out if isinstance(out, Tensor) else t
        return call
    dev = Device(target)
    return lambda t, location="cpu": t if dev.type == "cpu" else t.to(dev)


def load(f, map_location=None, weights_only=None, mmap=None, device=None, **_torch_options):
    """Read what ug.save wrote (the same structure back: a single tensor comes back as a tensor),
    any safetensors file (a dict name -> tensor), or the tensors and containers of a PyTorch
    checkpoint written by torch.save (.pt/.pth, the zip format of PyTorch >= 1.6). Nothing in
    the file is ever executed: a PyTorch checkpoint that stores other Python objects (a whole
    model) is refused with an error naming what it would need. weights_only is accepted for
    PyTorch's signature; this reader is always weights-only (it also rebuilds NumPy arrays).

    Args:
        f: a path or a binary file object.
        map_location / device: where tensors go: a device or its name, a dict of location ->
            location, or a function (tensor, location) -> tensor. Default: the CPU.
    """
    data, source = _read_bytes(f)
    place = _placer(map_location, device)
    if _is_safetensors(data):
        return _read_safetensors(data, source, place)
    if torch_checkpoint.is_torch_zip(data):
        return _placed(torch_checkpoint.read(io.BytesIO(data), source), place)
    if data[:len(_LEGACY_MAGIC)] == _LEGACY_MAGIC or data[:1] == b"\x80":
        legacy = data[:len(_LEGACY_MAGIC)] == _LEGACY_MAGIC
        raise DataError(f"unigrad.load: '{source}' is not a valid safetensors file or PyTorch zip checkpoint: it is "
                        + ("a PyTorch checkpoint in the legacy format of PyTorch < 1.6" if legacy else
                           "a raw pickle stream") +
                        ", which cannot be read without unpickling (that runs code from the file). Re-save it with "
                        "a current torch.save (the zip format), or as safetensors.")
    return _read_safetensors(data, source, place)


def _read_safetensors(data, source, place):
    from safetensors import SafetensorError
    from safetensors.numpy import load as st_load
    try:
        arrays = st_load(data)
    except (SafetensorError, Exception) as exc:
        raise DataError(f"unigrad.load: '{source}' is not a valid safetensors file ({exc}). unigrad saves with "
                        "ug.save (safetensors) and reads PyTorch's zip checkpoints; pickle files are refused by "
                        "design.") from None
    meta = _metadata(data)
    text = meta.get(structure.STRUCTURE_KEY)
    loaded = {}

    def tensor(key, requires_grad=False):
        if key not in loaded:
            if key not in arrays:
                raise DataError(f"unigrad.load: '{source}' has no tensor entry '{key}' that its structure names")
            a = arrays[key]
            t = place(as_tensor(a if a.flags.writeable else a.copy()))
            if requires_grad and t.dtype.is_floating_point:
                t = t.detach().requires_grad_(True)
            loaded[key] = t
        return loaded[key]

    def array(key):
        if key not in arrays:
            raise DataError(f"unigrad.load: '{source}' has no array entry '{key}' that its structure names")
        return np.array(arrays[key])
    if text is None:  # a plain safetensors file: name -> tensor
        return {k: tensor(k) for k in arrays}
    return structure.decode(structure.loads(text, source), tensor, array, source)


def _is_safetensors(data):
    """An 8-byte little-endian header length, then the JSON header."""
    if len(data) < 10:
        return False
    n = int.from_bytes(data[:8], "little")
    return 8 + n <= len(data) and data[8:9] == b"{"


def _metadata(data):
    import json
    import struct
    try:
        n = struct.unpack("<Q", data[:8])[0]
        return json.loads(data[8:8 + n]).get("__metadata__") or {}
    except (ValueError, struct.error):
        return {}


def _placed(obj, place):
    if isinstance(obj, Tensor):
        return place(obj)
    if isinstance(obj, dict):
        return type(obj)((k, _placed(v, place)) for k, v in obj.items())
    if isinstance(obj, list):
        return [_placed(v, place) for v in obj]
    if isinstance(obj, tuple) and not hasattr(obj, "_fields"):
        return type(obj)(_placed(v, place) for v in obj)
    return obj
