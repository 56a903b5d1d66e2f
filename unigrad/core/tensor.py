"""Tensor: an array on a device plus the autograd fields. This file holds only the data model:
the op methods (x.sum(), x + y, x.add_(y)) are generated from the op registry (ops/bindings.py)."""
import weakref

import numpy as np

from ..backend import dtypes as _dt
from ..backend.device import Device, cpu, get_default_device, get_device
from ..backend.meta import MetaArray, no_data
from ..errors import AutogradError, DtypeError, InvalidArgumentError, InvalidTypeError
from .trace_hook import state as _trace

_new = object.__new__


class Tensor:
    __slots__ = ("_data", "_device", "_dtype", "requires_grad", "_grad", "_node", "_idx", "_vc",
                 "_is_view", "_retains_grad", "_hooks", "__weakref__")
    __array_priority__ = 1000  # make numpy defer to Tensor's reflected operators

    def __init__(self, data, dtype=None, device=None, requires_grad=False):
        t = as_tensor(data, dtype=dtype, device=device)
        init_fields(self, t._data, t._device, t._dtype, [0], False)
        if requires_grad:
            self.requires_grad_(True)

    @staticmethod
    def _make(data, device, dtype, requires_grad=False, node=None, idx=0, vc=None, is_view=None):
        """A Tensor over `data` without checks or conversion (dispatch, tape nodes, factories).
        `vc`: the version counter of the tensor whose memory this one views."""
        t = init_fields(_new(Tensor), data, device, dtype, [0] if vc is None else vc,
                        vc is not None if is_view is None else is_view)
        if requires_grad or node is not None:
            t.requires_grad, t._node, t._idx = requires_grad, node, idx
        return t

    # ---- gradient ---------------------------------------------------------------------
    # a property so that a trace sees .grad read and written (graph/trace_guards.py: a compiled
    # training step reads the current .grad and binds the new one after each run)
    @property
    def grad(self):
        g = self._grad
        _trace.tracer.grad_accessed(self, g, False)
        return g

    @grad.setter
    def grad(self, value):
        _trace.tracer.grad_accessed(self, value, True)
        self._grad = value

    # ---- metadata -------------------------------------------------------------------
    @property
    def shape(self):
        return Size(self._data.shape)

    def size(self, dim=None):
        return self.shape if dim is None else self._data.shape[dim]

    @property
    def ndim(self):
        return self._data.ndim

    def dim(self):
        return self._data.ndim

    def numel(self):
        return int(self._data.size)

    # torch's other spellings of the same facts
    nelement = numel
    ndimension = dim

    def element_size(self):
        """Bytes per element."""
        return int(self._data.dtype.itemsize)

    def data_ptr(self):
        """The address of the first element (torch's data_ptr): equal for tensors sharing memory
        from the same start; 0 on the meta device, which holds no data."""
        ctypes = getattr(self._data, "ctypes", None)
        if ctypes is not None:
            return int(ctypes.data)
        memory = getattr(self._data, "data", None)
        return int(getattr(memory, "ptr", 0))  # a CuPy array's device pointer

    def stride(self, dim=None):
        """Steps in elements between neighbours along each dim (of the array as it lies in memory)."""
        steps = tuple(s // self._data.dtype.itemsize for s in self._data.strides)
        return steps if dim is None else steps[dim]

    def is_contiguous(self, memory_format=None):
        """Whether the elements lie in row-major order without gaps."""
        return bool(self._data.flags.c_contiguous)

    def __len__(self):
        if self._data.ndim == 0:
            raise InvalidTypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    @property
    def dtype(self):
        return self._dtype

    @property
    def device(self):
        return self._device

    @property
    def is_cuda(self):
        return self._device.type == "cuda"

    @property
    def is_leaf(self):
        return self._node is None

    @property
    def grad_fn(self):
        return self._node

    @property
    def data(self):
        return self.detach()

    @data.setter
    def data(self, value):
        self._data = value._data if isinstance(value, Tensor) else value
        self._dtype = _dt.dtype_of(self._data)

    @property
    def _version(self):
        return self._vc[0]

    def is_floating_point(self):
        return self._dtype.is_floating_point

    # ---- autograd fields ------------------------------------------------------------
    def requires_grad_(self, requires_grad=True):
        if requires_grad and not self._dtype.is_floating_point:
            raise DtypeError(f"only floating point tensors can require gradients, got {self._dtype}")
        if not self.is_leaf and not requires_grad:
            raise AutogradError("requires_grad can only be turned off on leaf tensors; use .detach()")
        self.requires_grad = requires_grad
        return self

    def retain_grad(self):
        if not self.requires_grad:
            raise AutogradError("retain_grad() on a tensor that does not require grad")
        if not self.is_leaf and not self._retains_grad:
            self._retains_grad = True
            self._node_hooks().append(retain_grad_hook(self))

    def register_hook(self, hook):
        """hook(grad) -> new grad or None, called when this tensor's gradient is computed."""
        if not self.requires_grad:
            raise AutogradError("cannot register a hook on a tensor that does not require grad")
        if not self.is_leaf:
            self._node_hooks().append(hook)
            return hook
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return hook

    def register_post_accumulate_grad_hook(self, hook):
        """hook(self), called once per backward pass after this leaf's .grad holds all of the
        pass's gradient for it (data-parallel training starts reducing a gradient there)."""
        if not self.requires_grad or not self.is_leaf:
            raise AutogradError("post-accumulate-grad hooks are for leaf tensors that require grad")
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(PostAccumulateHook(hook))
        PostAccumulateHook.registered += 1
        return hook

    def _node_hooks(self):
        node = self._node
        if node.hooks is None:
            node.hooks = {}
        return node.hooks.setdefault(self._idx, [])

    def detach(self):
        out = Tensor._make(self._data, self._device, self._dtype, vc=self._vc)
        _trace.tracer.alias(out, self)  # the same value in a traced graph
        return out

    def detach_(self):
        self._node = None
        self.requires_grad = False
        return self

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Accumulate d(self)/d(leaf) into every leaf's .grad (see unigrad.autograd.backward)."""
        engine.backward([self], [gradient], retain_graph=retain_graph, create_graph=create_graph, inputs=inputs)

    # ---- conversion -----------------------------------------------------------------
    def numpy(self):
        _reading(self)
        if self.requires_grad:
            raise AutogradError("can't call numpy() on a tensor that requires grad; use .detach().numpy()")
        if self._device.type == "meta":
            raise no_data()
        if self._device.type != "cpu":
            raise AutogradError("can't convert a CUDA tensor to numpy; use .cpu() first")
        return self._data

    def tolist(self):
        _reading(self)
        return _host(self._data).tolist()

    def item(self):
        _reading(self)
        if self._data.size != 1:
            raise InvalidArgumentError(f"item() needs a tensor with one element, got shape {tuple(self.shape)}")
        return _host(self._data).reshape(()).item()

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __format__(self, spec):
        # torch's rule: a 0-d tensor formats as its Python number (f"{loss:.4f}"), others as their repr
        if self._data.ndim == 0 and self._device.type != "meta":
            return format(self.item(), spec)
        if spec:
            raise TypeError(f"format spec {spec!r} needs a 0-d tensor, got shape {tuple(self._data.shape)}: "
                            "format t.item() or t.tolist() instead")
        return str(self)

    def __bool__(self):
        if self._data.size != 1:
            raise InvalidArgumentError(f"the truth value of a tensor with {self._data.size} elements is ambiguous; "
                             "use .any() or .all()")
        return bool(self.item())

    def __index__(self):
        if self._dtype.category > 1 or self._data.size != 1:
            raise InvalidTypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __array__(self, dtype=None, copy=None):
        _reading(self)
        arr = _host(self._data)
        return arr.astype(dtype) if dtype is not None else arr

    def __dlpack__(self, *args, **kwargs):
        return self._data.__dlpack__(*args, **kwargs)

    def __repr__(self):
        if self._device.type == "meta":
            return f"tensor(..., device='meta', size={tuple(self._data.shape)}, dtype={self._dtype!r})"
        _reading(self)
        body = np.array2string(_host(self._data), separator=", ", precision=4, prefix="tensor(")
        extras = []
        if self._device.type != "cpu":
            extras.append(f"device='{self._device}'")
        if self._dtype not in (_dt.float32, _dt.int64, _dt.bool_):
            extras.append(f"dtype={self._dtype!r}")
        if self._node is not None:
            extras.append(f"grad_fn={self._node!r}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return "tensor(" + body + "".join(", " + e for e in extras) + ")"

    def __hash__(self):  # identity: == is elementwise
        return id(self)

    def __pos__(self):
        return self

    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        """A new tensor copying `data`, in self's dtype and device unless given."""
        return tensor(data, dtype=dtype or self._dtype, device=device or self._device, requires_grad=requires_grad)

    def __reduce__(self):
        raise InvalidTypeError("unigrad tensors are not picklable by design; use unigrad.save (safetensors)")


def _reading(tensor):
    """Python is about to read the tensor's values: a trace in progress must know (it would
    otherwise freeze this call's values into its graph)."""
    _trace.tracer.value_read(tensor)


def init_fields(t, data, device, dtype, vc, is_view):
    """Set every field of Tensor `t` (a leaf that needs no gradient): the one place that knows
    them all. `vc` is the version counter, shared with the tensor whose memory `t` views."""
    t._data = data
    t._device = device
    t._dtype = dtype
    t._vc = vc
    t._is_view = is_view
    t.requires_grad = t._retains_grad = False
    t._grad = t._node = t._hooks = None
    t._idx = 0
    return t


class PostAccumulateHook:
    """A leaf's hook that runs after its .grad is complete for a backward pass (kept in _hooks
    beside the gradient hooks, so leaves that have one leave the engine's fast path)."""
    __slots__ = ("fn",)
    registered = 0  # how many were ever registered: the engine counts gradients only when some were

    def __init__(self, fn):
        self.fn = fn


def retain_grad_hook(tensor):
    """A tape hook that stores a non-leaf tensor's gradient in its .grad (Tensor.retain_grad)."""
    ref = weakref.ref(tensor)

    def hook(g):
        t = ref()
        if t is not None:
            t.grad = g.detach() if t.grad is None else t.grad.detach() + g.detach()
    return hook


class _Engine:
    """Where Tensor.backward hands over: the backward engine (unigrad.autograd) sets `backward`
    when it loads, since it sits above the ops it runs while this file sits below them."""
    backward = None


engine = _Engine()


class Size(tuple):
    """torch.Size lookalike: a tuple with numel()."""

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __repr__(self):
        return f"unigrad.Size({list(self)})"


def _host(array):
    """The array's values in host memory (a NumPy array)."""
    if isinstance(array, np.ndarray):
        return array
    if isinstance(array, MetaArray):
        raise no_data()
    return array.get()


def _infer_python_dtype(data):
    """dtype for nested Python data, as PyTorch picks it."""
    flat = data
    while isinstance(flat, (list, tuple)) and flat:
        flat = flat[0]
    if isinstance(flat, bool):
        return _dt.bool_
    if isinstance(flat, int):
        return _dt.int64
    return _dt.get_default_dtype()


def as_tensor(data, dtype=None, device=None):
    """Tensor from a Tensor, array or nested Python data; shares memory when it can."""
    dtype = _dt.to_dtype(dtype) if dtype is not None else None
    device = Device(device) if device is not None else None
    if isinstance(data, Tensor):
        out = data
        if dtype is not None and dtype is not data._dtype:
            out = Tensor._make(data._data.astype(dtype.np), data._device, dtype)
        if device is not None and device is not out._device:
            out = Tensor._make(_move(out._data, device), device, out._dtype)
        return out
    if isinstance(data, (np.ndarray, np.generic)):
        arr = np.asarray(data)
        src_device = cpu
    elif hasattr(data, "__cuda_array_interface__"):
        arr = data
        src_device = get_device(data)
    else:
        if dtype is None:
            dtype = _infer_python_dtype(data) if isinstance(data, (list, tuple)) else (
                _dt.bool_ if isinstance(data, bool) else _dt.int64 if isinstance(data, int) else
                _dt.get_default_dtype() if isinstance(data, float) else None)
        arr = np.asarray(data, dtype=dtype.np if dtype is not None else None)
        src_device = cpu
    if dtype is None:
        if arr.dtype == np.float64 and not isinstance(data, (np.ndarray, np.generic)) and \
                not hasattr(data, "__cuda_array_interface__"):
            dtype = _dt.get_default_dtype()
        else:
            dtype = _dt.dtype_of(arr)
    if arr.dtype != dtype.np:
        arr = arr.astype(dtype.np)
    # Python and NumPy data go to the default device (torch.set_default_device); GPU arrays stay
    target = device or (src_device if src_device.type == "cuda" else get_default_device())
    if target is not src_device:
        arr = _move(arr, target)
    return Tensor._make(arr, target, dtype)


def _move(array, device):
    """The array on `device` (itself when it is there already)."""
    if device.type == "meta":
        return array if isinstance(array, MetaArray) else MetaArray(array.shape, array.dtype)
    if device.type == "cpu":
        return _host(array)
    with device.activate():
        return device.xp.asarray(array)


def tensor(data, dtype=None, device=None, requires_grad=False):
    """A new Tensor that copies `data` (like torch.tensor)."""
    t = as_tensor(data, dtype=dtype, device=device)
    if t is data or t._data is getattr(data, "_data", None) or t._data is data or \
            getattr(t._data, "base", None) is not None:
        t = Tensor._make(t._data.copy(), t._device, t._dtype)
    if requires_grad:
        t.requires_grad_(True)
    return t


def from_numpy(array):
    """A Tensor sharing memory with a NumPy array."""
    return as_tensor(array)
