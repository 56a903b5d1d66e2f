"""Attach op functions to Tensor as methods and operators (x.sum(), x + y, x[i] = v, x.add_(y))."""
from .core.grad_mode import state as _grad_state
from .core.tensor import Tensor
from .backend import dtypes as _dt
from .backend.device import Device
from .errors import AutogradError
from .ops import api as F
from .core.trace_hook import state as _trace


def _binary(fn, reflected=False):
    if reflected:
        return lambda self, other: fn(other, self)
    return lambda self, other: fn(self, other)


def _rmatmul(self, other):
    return F.matmul(other, self)


OPERATORS = {
    "__add__": _binary(F.add), "__radd__": _binary(F.add, True),
    "__sub__": _binary(F.sub), "__rsub__": _binary(F.sub, True),
    "__mul__": _binary(F.mul), "__rmul__": _binary(F.mul, True),
    "__truediv__": _binary(F.div), "__rtruediv__": _binary(F.div, True),
    "__floordiv__": _binary(F.floor_divide), "__rfloordiv__": _binary(F.floor_divide, True),
    "__mod__": _binary(F.remainder),
    "__pow__": _binary(F.pow), "__rpow__": _binary(F.pow, True),
    "__matmul__": _binary(F.matmul), "__rmatmul__": _rmatmul,
    "__eq__": _binary(F.eq), "__ne__": _binary(F.ne), "__lt__": _binary(F.lt), "__le__": _binary(F.le),
    "__gt__": _binary(F.gt), "__ge__": _binary(F.ge),
    "__and__": _binary(F.logical_and), "__or__": _binary(F.logical_or),
    "__neg__": F.neg, "__abs__": F.abs, "__invert__": F.logical_not, "__pos__": lambda self: self,
    "__getitem__": F.getitem,
}

METHODS = [
    "add", "sub", "mul", "div", "pow", "neg", "exp", "log", "sqrt", "rsqrt", "abs", "sign", "sin", "cos", "floor",
    "ceil", "round", "trunc", "clamp", "clip", "maximum", "minimum", "eq", "ne", "lt", "le", "gt", "ge", "isnan",
    "isfinite", "logical_not", "relu", "sigmoid", "tanh", "softmax", "log_softmax", "sum", "mean", "amax", "amin",
    "max", "min", "argmax", "argmin", "var", "std", "logsumexp", "prod", "all", "any", "reshape", "view", "permute",
    "transpose", "flatten", "unflatten", "squeeze", "unsqueeze", "movedim", "matmul", "gather", "scatter_add",
    "index_select", "masked_fill", "flip", "chunk", "split", "unbind", "clone", "contiguous", "repeat", "square",
    "erf", "remainder", "floor_divide",
]


def expand(self, *sizes):
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = sizes[0]
    return F.broadcast_to(self, tuple(sizes))


def to(self, *args, **kwargs):
    """to(device), to(dtype), to(device, dtype), to(other_tensor)."""
    device = kwargs.pop("device", None)
    dtype = kwargs.pop("dtype", None)
    for a in args:
        if isinstance(a, Tensor):
            device, dtype = a.device, a.dtype
        elif isinstance(a, (Device, str)) and not (isinstance(a, str) and a in _dt._BY_NAME):
            device = a
        elif a is not None:
            dtype = a
    out = self
    if dtype is not None:
        out = F.to_dtype(out, dtype)
    if device is not None:
        out = F.to_device(out, device)
    return out


def _type_method(dtype):
    return lambda self: F.to_dtype(self, dtype)


EXTRA = {
    "expand": expand, "expand_as": lambda self, other: F.broadcast_to(self, tuple(other.shape)),
    "view_as": lambda self, other: F.reshape(self, tuple(other.shape)),
    "reshape_as": lambda self, other: F.reshape(self, tuple(other.shape)),
    "type_as": lambda self, other: F.to_dtype(self, other.dtype),
    "to": to, "cpu": lambda self: F.to_device(self, "cpu"),
    "cuda": lambda self, device=None: F.to_device(self, "cuda" if device is None else f"cuda:{int(device)}"
                                                  if not isinstance(device, (str, Device)) else device),
    "float": _type_method(_dt.float32), "double": _type_method(_dt.float64), "half": _type_method(_dt.float16),
    "long": _type_method(_dt.int64), "int": _type_method(_dt.int32), "bool": _type_method(_dt.bool_),
    "t": F.t, "T": property(lambda self: F.permute(self, tuple(reversed(range(self.ndim))))),
    "mT": property(lambda self: F.transpose(self, -1, -2)),
    "mm": F.matmul, "bmm": F.matmul, "dot": F.matmul,
    "norm": lambda self, p=2, dim=None, keepdim=False: F.pow(F.sum(F.pow(F.abs(self), p), dim=dim, keepdim=keepdim),
                                                             1.0 / p),
    "new_zeros": lambda self, *size, dtype=None, device=None: F.zeros(
        *size, dtype=dtype or self.dtype, device=device or self.device),
    "new_ones": lambda self, *size, dtype=None, device=None: F.ones(
        *size, dtype=dtype or self.dtype, device=device or self.device),
    "new_full": lambda self, size, fill, dtype=None, device=None: F.full(
        size, fill, dtype=dtype or self.dtype, device=device or self.device),
    "new_tensor": lambda self, data, dtype=None, device=None: __import__("unigrad").tensor(
        data, dtype=dtype or self.dtype, device=device or self.device),
}


# ---- in-place ops ----------------------------------------------------------------------------
def _assign(self, result):
    """Write result into self's memory; under grad mode self takes over result's history."""
    recording = _grad_state.enabled and (self.requires_grad or result.requires_grad)
    if recording:
        if self._node is None and self.requires_grad:
            raise AutogradError(f"a leaf tensor of shape {tuple(self.shape)} that requires grad is used in an "
                                "in-place operation; wrap it in `with unigrad.no_grad():` or use an out-of-place op")
        if self._is_view:
            raise AutogradError("in-place operation on a view of another tensor while recording gradients is not "
                                "supported; use an out-of-place op or .clone() the view first")
    node = result._node if recording else None
    if node is not None and any(t is self for t in node.inputs):
        # the op read self's old value: keep a snapshot with the old history for its backward
        old = Tensor._make(self._data.copy(), self._device, self._dtype, self.requires_grad, self._node, self._idx)
        node.inputs = tuple(old if t is self else t for t in node.inputs)
        if node.in_versions is not None:
            node.in_versions = [t._vc[0] for t in node.inputs]
    data = result._data
    if data.dtype != self._data.dtype:
        if self._dtype.category < _dt.dtype_of(data).category:
            raise _dt.DtypeError(f"result type {result.dtype} cannot be cast in place to {self.dtype}")
        data = data.astype(self._data.dtype)
    if data is not self._data:
        self._data[...] = data
    self._vc[0] += 1
    _trace.tracer.assign(self, result)
    if recording:
        self._node = result._node
        self._idx = result._idx
        self.requires_grad = result.requires_grad
        if self._node is not None and self._node.out_data is not None:
            self._node.out_data[self._idx] = self._data  # saved output now lives in self
            self._node.out_vcs[self._idx] = self._vc
            self._node.out_versions[self._idx] = self._vc[0]
    return self


def _inplace(fn):
    def method(self, *args, **kwargs):
        return _assign(self, fn(self, *args, **kwargs))
    return method


def _setitem(self, index, value):
    _assign(self, F.index_put(self, index, value))


def _fill(self, value):
    return _assign(self, F.full_like(self, value))


def _zero(self):
    if not (_grad_state.enabled and self.requires_grad) and not _trace.tracer.active:
        self._data.fill(0)
        self._vc[0] += 1
        return self
    return _fill(self, 0)


def _copy(self, src, non_blocking=False):
    if not isinstance(src, Tensor):
        src = F.full((), src, dtype=self.dtype, device=self.device)
    moved = F.to_device(F.to_dtype(src, self.dtype), self.device)
    return _assign(self, F.broadcast_to(moved, tuple(self.shape)))


def _uniform(self, a=0.0, b=1.0):
    with_rand = F.add(F.mul(F.rand(*self.shape, dtype=self.dtype, device=self.device), b - a), a)
    return _assign(self, with_rand.detach())


def _normal(self, mean=0.0, std=1.0):
    return _assign(self, F.add(F.mul(F.randn(*self.shape, dtype=self.dtype, device=self.device), std), mean).detach())


INPLACE = {
    "add_": F.add, "sub_": F.sub, "mul_": F.mul, "div_": F.div, "pow_": F.pow, "clamp_": F.clamp,
    "relu_": F.relu, "sigmoid_": F.sigmoid, "tanh_": F.tanh, "exp_": F.exp, "log_": F.log, "sqrt_": F.sqrt,
    "neg_": F.neg, "abs_": F.abs, "masked_fill_": F.masked_fill, "clip_": F.clamp,
    "__iadd__": F.add, "__isub__": F.sub, "__imul__": F.mul, "__itruediv__": F.div,
}


DIRECT = {"__add__": F.add, "__sub__": F.sub, "__mul__": F.mul, "__truediv__": F.div, "__pow__": F.pow,
          "__matmul__": F.matmul}  # (self, other) signatures: bound without a wrapper


def install():
    for name, fn in OPERATORS.items():
        setattr(Tensor, name, DIRECT.get(name, fn))
    for name in METHODS:
        setattr(Tensor, name, getattr(F, name))
    for name, fn in EXTRA.items():
        setattr(Tensor, name, fn)
    for name, fn in INPLACE.items():
        setattr(Tensor, name, _inplace(fn))
    Tensor.__setitem__ = _setitem
    Tensor.fill_ = _fill
    Tensor.zero_ = _zero
    Tensor.copy_ = _copy
    Tensor.uniform_ = _uniform
    Tensor.normal_ = _normal
    Tensor.__hash__ = lambda self: id(self)  # __eq__ is elementwise, identity hashing stays


install()
