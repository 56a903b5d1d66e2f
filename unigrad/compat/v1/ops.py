"""TF1 op functions under TensorFlow's names, each a deferred call into the unigrad registry."""
import builtins

import numpy as np

from ... import ops as _registry  # noqa: F401  (registers every op)
from ...core.tensor import Tensor as EagerTensor
from ...backend import dtypes as _dt
from ...errors import InvalidArgumentError, InvalidTypeError
from ...ops import api as F
from .graph import Tensor
from .shape_args import reshape_static, shape_arg
from .tensor_shape import as_dims

_builtin_slice = builtins.slice  # this module defines tf.slice


def _dtype_of_value(value, dtype):
    if dtype is not None:
        return _dt.to_dtype(dtype)
    if isinstance(value, Tensor):
        return value.dtype
    if isinstance(value, (np.ndarray, np.generic)) and value.dtype.kind in "biuf":
        return _dt.to_dtype(value.dtype)  # NumPy values keep their dtype, as in TF
    arr = np.asarray(value)
    if arr.dtype.kind == "f":
        return _dt.float32  # TF's default for Python floats
    if arr.dtype.kind in "iu":
        return _dt.int32  # TF's default for Python ints
    return _dt.to_dtype(arr.dtype)


def constant(value, dtype=None, shape=None, name="Const"):
    dtype = _dtype_of_value(value, dtype)
    if isinstance(value, (list, tuple)) and any(isinstance(v, Tensor) for v in value):
        return stack(value, name=name)  # tf.constant([n, 3]) with a tensor n: TF packs it
    arr = np.asarray(value, dtype=dtype.np)
    if shape is not None:
        arr = np.broadcast_to(arr, tuple(as_dims(shape))).copy()
    node = Tensor("constant", [], lambda: EagerTensor(arr), name, dtype, arr.shape)
    if arr.dtype.kind in "iu" and arr.ndim <= 1 and arr.size <= 16:  # a shape the graph knows
        node.const_value = arr.tolist()
    return node


def convert_to_tensor(value, dtype=None, name="Const"):
    return value if isinstance(value, Tensor) else constant(value, dtype, name=name)


def _binary(name, fn):
    def op(x, y, name=None):
        a = convert_to_tensor(x, dtype=y.dtype if isinstance(y, Tensor) and not isinstance(x, Tensor) else None)
        b = convert_to_tensor(y, dtype=a.dtype if not isinstance(y, Tensor) else None)
        return Tensor("op", [a, b], fn, name or op.__name__, _dt.promote(a.dtype, b.dtype))
    op.__name__ = name
    return op


def elementwise_node(x, fn, name):
    """A node applying `fn` to one input, keeping its dtype."""
    x = convert_to_tensor(x)
    return Tensor("op", [x], fn, name, x.dtype)


def _unary(name, fn):
    def op(x, name=None):
        return elementwise_node(x, fn, name or op.__name__)
    op.__name__ = name
    return op


add = _binary("add", F.add)
subtract = _binary("sub", F.sub)
multiply = _binary("mul", F.mul)
divide = truediv = _binary("truediv", F.div)
maximum = _binary("maximum", F.maximum)
minimum = _binary("minimum", F.minimum)
pow = _binary("pow", F.pow)
equal = _binary("equal", F.eq)
not_equal = _binary("not_equal", F.ne)
less = _binary("less", F.lt)
greater = _binary("greater", F.gt)
less_equal = _binary("less_equal", F.le)
greater_equal = _binary("greater_equal", F.ge)
squared_difference = _binary("squared_difference", lambda a, b: F.square(F.sub(a, b)))
floormod = mod = _binary("FloorMod", F.remainder)  # the sign of the divisor, as Python's %
floordiv = _binary("FloorDiv", F.floor_divide)

negative = _unary("neg", F.neg)
square = _unary("square", F.square)
sqrt = _unary("sqrt", F.sqrt)
rsqrt = _unary("rsqrt", F.rsqrt)
exp = _unary("exp", F.exp)
log = _unary("log", F.log)
abs = _unary("abs", F.abs)
sign = _unary("sign", F.sign)
sigmoid = _unary("sigmoid", F.sigmoid)
tanh = _unary("tanh", F.tanh)
identity = _unary("identity", lambda x: x)
stop_gradient = _unary("stop_gradient", lambda x: x.detach())


def _axis(axis):
    if axis is None:
        return None
    return tuple(axis) if isinstance(axis, (list, tuple)) else axis


def _reduce(name, fn):
    def op(input_tensor, axis=None, keepdims=False, name=None, reduction_indices=None, keep_dims=None):
        x = convert_to_tensor(input_tensor)
        dims = _axis(axis if axis is not None else reduction_indices)
        keep = keepdims if keep_dims is None else keep_dims
        return Tensor("op", [x], lambda v: fn(v, dims, keep), name or op.__name__, x.dtype)
    op.__name__ = name
    return op


reduce_sum = _reduce("Sum", lambda v, d, k: F.sum(v, dim=d, keepdim=k))
reduce_mean = _reduce("Mean", lambda v, d, k: F.mean(v, dim=d, keepdim=k))
reduce_max = _reduce("Max", lambda v, d, k: F.amax(v, dim=d, keepdim=k))
reduce_min = _reduce("Min", lambda v, d, k: F.amin(v, dim=d, keepdim=k))
reduce_prod = _reduce("Prod", lambda v, d, k: F.prod(v, dim=d, keepdim=k) if not isinstance(d, tuple) else
                      _prod_dims(v, d, k))


def _prod_dims(v, dims, keep):
    for d in sorted(dims, reverse=True):
        v = F.prod(v, dim=d, keepdim=keep)
    return v


def matmul(a, b, transpose_a=False, transpose_b=False, name=None):
    a, b = convert_to_tensor(a), convert_to_tensor(b)

    def fn(x, y):
        return F.matmul(F.transpose(x, -1, -2) if transpose_a else x, F.transpose(y, -1, -2) if transpose_b else y)
    return Tensor("op", [a, b], fn, name or "MatMul", a.dtype)


def reshape(tensor, shape, name=None):
    x = convert_to_tensor(tensor)
    arg = shape_arg(shape, "tf.reshape")
    if not arg.inputs:  # a static shape: the registry's shape rule checks and infers it
        target = arg.build()
        return Tensor("op", [x], lambda v: F.reshape(v, target), name or "Reshape", x.dtype)
    return Tensor("op", [x] + arg.inputs, lambda v, *s: F.reshape(v, arg.build(*s)), name or "Reshape", x.dtype,
                  reshape_static(x._shape, arg.static))


def transpose(a, perm=None, name=None):
    x = convert_to_tensor(a)
    return Tensor("op", [x], lambda v: F.permute(v, perm if perm is not None else tuple(reversed(range(v.ndim)))),
                  name or "transpose", x.dtype)


def cast(x, dtype, name=None):
    x = convert_to_tensor(x)
    dtype = _dt.to_dtype(dtype)
    return Tensor("op", [x], lambda v: F.to_dtype(v, dtype), name or "Cast", dtype)


def to_float(x, name="ToFloat"):
    return cast(x, _dt.float32, name)


def to_double(x, name="ToDouble"):
    return cast(x, _dt.float64, name)


def to_int32(x, name="ToInt32"):
    return cast(x, _dt.int32, name)


def to_int64(x, name="ToInt64"):
    return cast(x, _dt.int64, name)


def concat(values, axis, name=None):
    xs = [convert_to_tensor(v) for v in values]
    return Tensor("op", xs, lambda *vs: F.cat(vs, axis), name or "concat", xs[0].dtype)


def stack(values, axis=0, name=None):
    if isinstance(values, Tensor):
        raise InvalidTypeError(f"tf.stack takes a list of tensors, got the Tensor '{values.name}:0'")
    first = next((v for v in values if isinstance(v, Tensor)), None)
    xs = [convert_to_tensor(v, dtype=first.dtype if first is not None and not isinstance(v, Tensor) else None)
          for v in values]
    node = Tensor("op", xs, lambda *vs: F.stack(vs, axis), name or "stack", xs[0].dtype)
    known = [x.const_value for x in xs]
    if axis == 0 and all(k is None or isinstance(k, int) for k in known) and any(k is not None for k in known) \
            and all(x._shape == () for x in xs):
        node.const_value = known  # [tf.shape(x)[0], 3]: (None, 3) as far as the graph knows
    return node


def argmax(input, axis=None, name=None, output_type=_dt.int64):
    x = convert_to_tensor(input)
    return Tensor("op", [x], lambda v: F.argmax(v, dim=axis if axis is not None else 0), name or "ArgMax",
                  output_type)


def where(condition, x, y, name=None):
    c, a, b = convert_to_tensor(condition), convert_to_tensor(x), convert_to_tensor(y)
    return Tensor("op", [c, a, b], F.where, name or "Select", a.dtype)


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    return elementwise_node(t, lambda v: F.clamp(v, clip_value_min, clip_value_max), name or "clip_by_value")


def shape_of(input, name=None, out_type=_dt.int32):
    x = convert_to_tensor(input)
    dt = _dt.to_dtype(out_type)
    node = Tensor("op", [x], lambda v: EagerTensor(np.asarray(v.shape, dtype=dt.np)), name or "Shape", dt,
                  None if x._shape is None else (len(x._shape),))
    node.const_value = None if x._shape is None else list(x._shape)
    return node


def _getitem(self, index):
    if isinstance(index, Tensor) or (isinstance(index, tuple) and any(isinstance(i, Tensor) for i in index)):
        raise InvalidTypeError(f"indexing Tensor '{self.name}:0' with a tensor: use tf.gather(x, indices) "
                               "(or tf.slice with tensor bounds)")
    node = Tensor("op", [self], lambda v: v[index], "strided_slice", self.dtype)
    known = self.const_value
    if isinstance(known, list):
        try:
            node.const_value = known[index]
        except (TypeError, IndexError):
            pass
    return node


def _install_operators():
    def logical(name):  # math_ops imports this module: looked up when the operator is used
        return lambda x, y: getattr(__import__(__package__ + ".math_ops", fromlist=[name]), name)(x, y)
    ops = {"__add__": add, "__sub__": subtract, "__mul__": multiply, "__truediv__": divide, "__pow__": pow,
           "__matmul__": matmul, "__lt__": less, "__gt__": greater, "__le__": less_equal, "__ge__": greater_equal,
           "__mod__": floormod, "__floordiv__": floordiv, "__and__": logical("logical_and"),
           "__or__": logical("logical_or"), "__xor__": logical("logical_xor")}
    for name, fn in ops.items():
        setattr(Tensor, name, lambda self, other, fn=fn: fn(self, other))
        rname = "__r" + name[2:]
        setattr(Tensor, rname, lambda self, other, fn=fn: fn(other, self))
    Tensor.__neg__ = lambda self: negative(self)
    Tensor.__invert__ = lambda self: elementwise_node(self, F.logical_not, "LogicalNot")
    Tensor.__abs__ = lambda self: abs(self)
    Tensor.__getitem__ = _getitem


_install_operators()


def expand_dims(input, axis, name=None):
    x = convert_to_tensor(input)
    return Tensor("op", [x], lambda v: F.unsqueeze(v, axis), name or "ExpandDims", x.dtype)


def squeeze(input, axis=None, name=None):
    x = convert_to_tensor(input)
    shape = None  # TF's rule: without an axis, an unknown dimension might be 1, so the shape is unknown
    if x._shape is not None and (axis is not None or None not in x._shape):
        axes = {a % len(x._shape) for a in ((axis,) if isinstance(axis, int) else axis or ())}
        shape = tuple(d for i, d in enumerate(x._shape) if not (i in axes if axes else d == 1))
    return Tensor("op", [x], lambda v: F.squeeze(v, axis), name or "Squeeze", x.dtype, shape)


def one_hot(indices, depth, on_value=1.0, off_value=0.0, dtype=_dt.float32, name=None):
    x = convert_to_tensor(indices)
    dtype = _dt.to_dtype(dtype)

    def fn(v):
        hot = F.eq(F.unsqueeze(F.to_dtype(v, _dt.int64), -1), F.arange(depth, device=v.device))
        return F.where(hot, F.full((), on_value, dtype=dtype, device=v.device),
                       F.full((), off_value, dtype=dtype, device=v.device))
    return Tensor("op", [x], fn, name or "one_hot", dtype)


def gather(params, indices, axis=0, name=None):
    p, i = convert_to_tensor(params), convert_to_tensor(indices)
    return Tensor("op", [p, i], lambda pv, iv: F.getitem(pv, (_builtin_slice(None),) * axis + (F.to_dtype(iv, _dt.int64),)),
                  name or "GatherV2", p.dtype)


def tile(input, multiples, name=None):
    x = convert_to_tensor(input)
    return Tensor("op", [x], lambda v: F.repeat(v, tuple(multiples)), name or "Tile", x.dtype)


def argmin(input, axis=None, name=None, output_type=_dt.int64):
    x = convert_to_tensor(input)
    return Tensor("op", [x], lambda v: F.argmin(v, dim=axis if axis is not None else 0), name or "ArgMin",
                  output_type)


def split(value, num_or_size_splits, axis=0, name=None):
    x = convert_to_tensor(value)
    count = num_or_size_splits if isinstance(num_or_size_splits, int) else len(num_or_size_splits)

    def pieces(v):
        if isinstance(num_or_size_splits, int):
            return F.chunk(v, num_or_size_splits, axis)
        return F.split(v, list(num_or_size_splits), axis)
    parts = Tensor("op", [x], pieces, name or "split", x.dtype)
    return [Tensor("op", [parts], lambda t, i=i: t[i], f"{parts.name}/{i}", x.dtype) for i in range(count)]


def unstack(value, num=None, axis=0, name="unstack"):
    """The pieces of `value` along `axis` (its size there must be known, or given as num)."""
    x = convert_to_tensor(value)
    if x._shape is None:
        raise InvalidArgumentError("tf.unstack needs a tensor of known rank")
    axis = axis % len(x._shape)
    count = x._shape[axis] if num is None else int(num)
    if count is None:
        raise InvalidArgumentError(f"tf.unstack: dimension {axis} of {x.shape} is unknown; pass num=")
    rest = tuple(d for i, d in enumerate(x._shape) if i != axis)
    index = lambda t: (_builtin_slice(None),) * axis + (t,)  # noqa: E731
    return [Tensor("op", [x], lambda v, t=t: v[index(t)], f"{name}/{t}" if t else name, x.dtype, rest)
            for t in range(count)]


def slice(input_, begin, size, name=None):
    x = convert_to_tensor(input_)
    index = tuple(_builtin_slice(b, None if s == -1 else b + s) for b, s in zip(begin, size))
    return Tensor("op", [x], lambda v: v[index], name or "Slice", x.dtype)


def _bool_reduce(kind):
    def op(input_tensor, axis=None, keepdims=False, name=None):
        x = convert_to_tensor(input_tensor)
        fn = F.all if kind == "all" else F.any
        return Tensor("op", [x], lambda v: fn(v, dim=_axis(axis), keepdim=keepdims), name or f"Reduce{kind}",
                      _dt.bool_)
    return op


reduce_all = _bool_reduce("all")
reduce_any = _bool_reduce("any")
