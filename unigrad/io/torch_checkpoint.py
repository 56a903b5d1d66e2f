"""Reading the tensors of a PyTorch checkpoint (torch.save's zip format) without running code.

A .pt/.pth file is a zip: `<name>/data.pkl` is a pickle of the saved object whose tensors
point ("persistent ids") at raw storages in `<name>/data/<key>`. Unpickling would import and
call whatever the pickle names, so the pickle is not unpickled: its opcodes (parsed by the
standard library's pickletools, which only reads) run on a small stack machine here that knows
a fixed list of globals, the ones torch.save writes for tensors, parameters, state_dicts and
plain containers (and NumPy arrays, whose data it rebuilds from bytes). Any other global (a
whole model's class, an arbitrary function) stops the load with an error naming it, as
torch.load(weights_only=True) does."""
import collections
import pickletools
import zipfile

import numpy as np

from ..backend import dtypes as _dt
from ..core.tensor import Size, Tensor
from ..errors import DataError

_STORAGES = {"FloatStorage": "float32", "DoubleStorage": "float64", "HalfStorage": "float16",
             "BFloat16Storage": "bfloat16", "LongStorage": "int64", "IntStorage": "int32", "ShortStorage": "int16",
             "CharStorage": "int8", "ByteStorage": "uint8", "BoolStorage": "bool"}
_TORCH_DTYPES = {"float32": "float32", "float": "float32", "float64": "float64", "double": "float64",
                 "float16": "float16", "half": "float16", "bfloat16": "bfloat16", "int64": "int64", "long": "int64",
                 "int32": "int32", "int": "int32", "int16": "int16", "int8": "int8", "uint8": "uint8", "bool": "bool"}
_MARK = object()


class _Global:
    """A global the reader allows: `call(*args)` is what REDUCE does with it."""

    def __init__(self, name, call):
        self.name, self.call = name, call

    def __repr__(self):
        return self.name


class _StorageType:
    def __init__(self, dtype):
        self.dtype = dtype


class _NumpyArray:
    """An ndarray being rebuilt: numpy's _reconstruct makes it, BUILD gives it shape, dtype and bytes."""

    def build(self, state):
        _version, shape, dtype, fortran, raw = state
        if isinstance(raw, str):
            raw = raw.encode("latin1")
        if not isinstance(dtype, np.dtype) or dtype.kind not in "biuf":
            raise DataError(f"a NumPy array of dtype {dtype} cannot be read safely")
        flat = np.frombuffer(bytes(raw), dtype=dtype)
        return flat.reshape(shape, order="F" if fortran else "C").copy()


class _NumpyDtype:
    def __init__(self, code):
        self.dtype = np.dtype(code)

    def build(self, state):
        order = state[1] if len(state) > 1 else "|"
        return self.dtype.newbyteorder(order) if order in "<>" else self.dtype


def _rebuild_tensor(storage, offset, size, stride, requires_grad=False, *_rest):
    data = _checked_view(storage, offset, size, stride)
    if size and data.size:
        view = np.lib.stride_tricks.as_strided(data[offset:], shape=tuple(size),
                                               strides=tuple(s * data.itemsize for s in stride))
        array = np.ascontiguousarray(view)
    else:
        array = np.zeros(tuple(size), data.dtype)
    t = Tensor._make(array, _cpu(), _dt.dtype_of(array))
    if requires_grad and t.dtype.is_floating_point:
        t.requires_grad_(True)
    return t


def _checked_view(storage, offset, size, stride):
    """The storage's array, once the view (offset, size, stride) is known to stay inside it: a
    crafted file must not make as_strided read memory beyond the storage."""
    if not isinstance(storage, _Storage):
        raise DataError(f"a tensor is rebuilt from {type(storage).__name__}, not from a storage")
    ints = lambda v: isinstance(v, (tuple, list)) and all(isinstance(i, int) and i >= 0 for i in v)
    if not (isinstance(offset, int) and offset >= 0 and ints(size) and ints(stride) and len(size) == len(stride)):
        raise DataError(f"a tensor has a malformed view: offset {offset!r}, size {size!r}, stride {stride!r}")
    data = storage.array
    if all(size):
        last = offset + sum((n - 1) * s for n, s in zip(size, stride))
        if last >= data.size:
            raise DataError(f"a tensor of size {tuple(size)}, stride {tuple(stride)} at offset {offset} reaches "
                            f"element {last} of a storage of {data.size} elements")
    return data


def _rebuild_parameter(data, requires_grad=True, *_rest):
    if requires_grad and data.dtype.is_floating_point:
        data.requires_grad_(True)  # a leaf that records gradients (ug.nn.Parameter wraps it when assigned)
    return data


def _cpu():
    from ..backend.device import cpu
    return cpu


def _globals():
    allowed = {
        ("collections", "OrderedDict"): lambda *a: collections.OrderedDict(*a),
        ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor,
        ("torch._utils", "_rebuild_tensor"): _rebuild_tensor,
        ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
        ("torch._utils", "_rebuild_parameter_with_state"): lambda data, rg, hooks, state=None: _rebuild_parameter(
            data, rg),
        ("torch", "Size"): lambda dims=(): Size(dims),
        ("torch", "device"): lambda *a: ":".join(str(x) for x in a),
        ("_codecs", "encode"): lambda text, encoding="latin1": text.encode(encoding),
        ("numpy", "ndarray"): None, ("numpy", "dtype"): lambda code, *_: _NumpyDtype(code),
        ("builtins", "set"): lambda items=(): set(items), ("builtins", "frozenset"): lambda items=(): frozenset(items),
        ("builtins", "slice"): slice, ("builtins", "complex"): complex,
    }
    for name in ("set", "frozenset", "slice", "complex"):  # protocol 2 names the builtins module __builtin__
        allowed[("__builtin__", name)] = allowed[("builtins", name)]
    for module in ("numpy.core.multiarray", "numpy._core.multiarray"):
        allowed[(module, "_reconstruct")] = lambda cls, shape, typecode: _NumpyArray()
        allowed[(module, "scalar")] = lambda dtype, raw=b"": np.frombuffer(
            raw.encode("latin1") if isinstance(raw, str) else raw, dtype=_as_dtype(dtype))[0]
    for name, dtype in _STORAGES.items():
        allowed[("torch", name)] = _StorageType(dtype)
    for name, dtype in _TORCH_DTYPES.items():
        allowed[("torch", name)] = _dt.to_dtype(dtype) if dtype != "bfloat16" else "bfloat16"
    return allowed


def _as_dtype(d):
    return d.build(()) if isinstance(d, _NumpyDtype) else np.dtype(d)


class _Storage:
    def __init__(self, array):
        self.array = array


def is_torch_zip(head):
    return head[:4] == b"PK\x03\x04"


def read(file, source):
    """The object a torch.save zip checkpoint holds, tensors as unigrad CPU tensors."""
    try:
        archive = zipfile.ZipFile(file)
    except zipfile.BadZipFile as exc:
        raise DataError(f"unigrad.load: '{source}' looks like a zip but cannot be read ({exc})") from None
    with archive:
        names = archive.namelist()
        pickles = [n for n in names if n.endswith("data.pkl") and n.count("/") == 1]
        if not pickles:
            raise DataError(f"unigrad.load: '{source}' is a zip without the data.pkl of a PyTorch checkpoint "
                            f"(it holds {names[:5]})")
        prefix = pickles[0].rsplit("/", 1)[0]
        order = "little"
        if f"{prefix}/byteorder" in names:
            order = archive.read(f"{prefix}/byteorder").decode().strip()

        def storage(pid):
            if not (isinstance(pid, tuple) and len(pid) >= 5 and pid[0] == "storage"):
                raise DataError(f"unigrad.load: '{source}' refers to an unknown persistent object {pid!r}")
            kind, key = pid[1], str(pid[2])
            dtype = kind.dtype if isinstance(kind, _StorageType) else kind
            try:
                raw = archive.read(f"{prefix}/data/{key}")
            except KeyError:
                raise DataError(f"unigrad.load: '{source}' lacks the storage file data/{key}") from None
            return _Storage(_array(raw, dtype, order, source))
        return _Machine(archive.read(pickles[0]), storage, source).run()


def _array(raw, dtype, order, source):
    if dtype == "bfloat16":  # NumPy has no bfloat16: its bits are the top half of a float32
        halves = np.frombuffer(raw, dtype=("<u2" if order == "little" else ">u2"))
        return (halves.astype(np.uint32) << 16).view(np.float32)
    if isinstance(dtype, _dt.DType):
        dtype = dtype.name
    if dtype not in _STORAGES.values():
        raise DataError(f"unigrad.load: '{source}' holds a tensor of dtype {dtype}, which unigrad does not support")
    np_dtype = np.dtype(dtype).newbyteorder("<" if order == "little" else ">")
    return np.frombuffer(raw, dtype=np_dtype).astype(np.dtype(dtype), copy=False)


class _Machine:
    """The pickle opcodes torch.save emits, interpreted over the allowed globals only."""

    def __init__(self, data, persistent_load, source):
        self.data, self.persistent_load, self.source = data, persistent_load, source
        self.allowed = _globals()

    def refuse(self, what):
        raise DataError(f"unigrad.load: '{self.source}' needs {what} to be loaded: it stores a Python object, not "
                        "only tensors and containers (for example a whole model saved with torch.save(model)). "
                        "Loading it would run that code, which unigrad never does. In PyTorch, save "
                        "model.state_dict() instead and load that into the model built from its code.")

    def run(self):
        try:
            ops = list(pickletools.genops(self.data))
        except Exception as exc:
            raise DataError(f"unigrad.load: the pickle inside '{self.source}' is corrupt ({exc})") from None
        position = [0]
        try:
            return self._interpret(ops, position)
        except DataError as exc:
            if str(exc).startswith("unigrad.load:"):
                raise
            raise DataError(f"unigrad.load: '{self.source}': {exc}") from None
        except (IndexError, KeyError, TypeError, ValueError, AttributeError, LookupError) as exc:
            # a crafted or damaged pickle (an empty stack, a missing memo entry, wrong arguments)
            raise DataError(f"unigrad.load: the pickle inside '{self.source}' is malformed at byte {position[0]} "
                            f"({type(exc).__name__}: {exc})") from None

    def _interpret(self, ops, position):
        stack, marks, memo = [], [], {}
        for op, arg, pos in ops:
            position[0] = pos
            name = op.name
            if name in ("PROTO", "FRAME"):
                continue
            if name == "STOP":
                return stack.pop()
            if name == "MARK":
                marks.append(len(stack))
            elif name in ("BINPUT", "LONG_BINPUT", "PUT"):
                memo[arg] = stack[-1]
            elif name == "MEMOIZE":
                memo[len(memo)] = stack[-1]
            elif name in ("BINGET", "LONG_BINGET", "GET"):
                stack.append(memo[arg])
            elif name in ("EMPTY_DICT",):
                stack.append({})
            elif name == "EMPTY_LIST":
                stack.append([])
            elif name == "EMPTY_TUPLE":
                stack.append(())
            elif name == "EMPTY_SET":
                stack.append(set())
            elif name in ("TUPLE1", "TUPLE2", "TUPLE3"):
                n = int(name[-1])
                items = tuple(stack[-n:])
                del stack[-n:]
                stack.append(items)
            elif name in ("TUPLE", "LIST", "DICT", "FROZENSET"):
                start = marks.pop()
                items = stack[start:]
                del stack[start:]
                stack.append(tuple(items) if name == "TUPLE" else list(items) if name == "LIST" else
                             frozenset(items) if name == "FROZENSET" else dict(zip(items[::2], items[1::2])))
            elif name == "APPEND":
                value = stack.pop()
                stack[-1].append(value)
            elif name == "APPENDS":
                start = marks.pop()
                items = stack[start:]
                del stack[start:]
                stack[-1].extend(items)
            elif name == "SETITEM":
                value, key = stack.pop(), stack.pop()
                stack[-1][key] = value
            elif name == "SETITEMS":
                start = marks.pop()
                items = stack[start:]
                del stack[start:]
                for k, v in zip(items[::2], items[1::2]):
                    stack[-1][k] = v
            elif name == "ADDITEMS":
                start = marks.pop()
                items = stack[start:]
                del stack[start:]
                stack[-1].update(items)
            elif name in ("NONE",):
                stack.append(None)
            elif name in ("NEWTRUE", "NEWFALSE"):
                stack.append(name == "NEWTRUE")
            elif name in ("BININT", "BININT1", "BININT2", "LONG1", "LONG4", "INT", "LONG", "BINFLOAT", "FLOAT",
                          "BINUNICODE", "SHORT_BINUNICODE", "BINUNICODE8", "UNICODE", "BINBYTES", "SHORT_BINBYTES",
                          "BINBYTES8", "BINSTRING", "SHORT_BINSTRING", "STRING"):
                stack.append(arg)
            elif name == "BYTEARRAY8":
                stack.append(bytearray(arg))
            elif name == "POP":
                stack.pop()
            elif name == "POP_MARK":
                del stack[marks.pop():]
            elif name == "DUP":
                stack.append(stack[-1])
            elif name in ("GLOBAL", "STACK_GLOBAL"):
                if name == "GLOBAL":
                    module, _, attr = arg.partition(" ")
                else:
                    attr, module = stack.pop(), stack.pop()
                key = (module, attr)
                if key not in self.allowed:
                    self.refuse(f"'{module}.{attr}'")
                stack.append(self.allowed[key] if self.allowed[key] is not None else _Global(f"{module}.{attr}", None))
            elif name in ("BINPERSID", "PERSID"):
                stack.append(self.persistent_load(stack.pop() if name == "BINPERSID" else arg))
            elif name == "REDUCE":
                args, fn = stack.pop(), stack.pop()
                if not callable(fn) or isinstance(fn, _Global):  # only the allowed functions run
                    self.refuse(f"a call of {fn!r}")
                stack.append(fn(*args))
            elif name == "BUILD":
                state, obj = stack.pop(), stack.pop()
                stack.append(self.build(obj, state))
            else:
                self.refuse(f"the pickle opcode {name}")
        raise DataError(f"unigrad.load: the pickle inside '{self.source}' ends without STOP")

    def build(self, obj, state):
        if isinstance(obj, (_NumpyArray, _NumpyDtype)):
            try:
                return obj.build(state)
            except (TypeError, ValueError) as exc:
                raise DataError(f"unigrad.load: '{self.source}' holds a malformed NumPy array ({exc})") from None
        if isinstance(obj, (dict, Tensor)):
            return obj  # a state_dict's _metadata, a tensor's hooks: nothing a loaded value needs
        self.refuse(f"the state of a {type(obj).__name__}")
