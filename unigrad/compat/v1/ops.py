"""TF1 op functions under TensorFlow's names, each a deferred call into the unigrad registry."""
import builtins

import numpy as np

from ... import ops as _registry  # noqa: F401  (registers every op)
from ...core.tensor import Tensor as EagerTensor
from ...backend import dtypes as _dt
from ...ops import api as F
from .graph import Tensor

_builtin_slice = builtins.slice  # this module defines tf.slice


def _dtype_of_value(value, dtype):
    if dtype is not None:
        return _dt.to_dtype(dtype)
    if isinstance(value, Tensor):
        return value.dtype
    arr = np.asarray(value)
    if arr.dtype.kind == "f":
        return _dt.float32  # TF's default for Python floats
    if arr.dtype.kind in "iu":
        return _dt.int32  # TF's default for Python ints
    return _dt.to_dtype(arr.dtype)


def constant(value, dtype=None, shape=None, name="Const"):
    dtype = _dtype_of_value(value, dtype)
    arr = np.asarray(value, dtype=dtype.np)
    if shape is not None:
        arr = np.broadcast_to(arr, tuple(shape)).copy()
    return Tensor("constant", [], lambda: EagerTensor(arr), name, dtype, arr.shape)


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
    shape = tuple(int(s) for s in shape)
    return Tensor("op", [x], lambda v: F.reshape(v, shape), name or "Reshape", x.dtype)


def transpose(a, perm=None, name=None):
    x = convert_to_tensor(a)
    return Tensor("op", [x], lambda v: F.permute(v, perm if perm is not None else tuple(reversed(range(v.ndim)))),
                  name or "transpose", x.dtype)


def cast(x, dtype, name=None):
    x = convert_to_tensor(x)
    dtype = _dt.to_dtype(dtype)
    return Tensor("op", [x], lambda v: F.to_dtype(v, dtype), name or "Cast", dtype)


def concat(values, axis, name=None):
    xs = [convert_to_tensor(v) for v in values]
    return Tensor("op", xs, lambda *vs: F.cat(vs, axis), name or "concat", xs[0].dtype)


def stack(values, axis=0, name=None):
    xs = [convert_to_tensor(v) for v in values]
    return Tensor("op", xs, lambda *vs: F.stack(vs, axis), name or "stack", xs[0].dtype)


def argmax(input, axis=None, name=None, output_type=_dt.int64):
    x = convert_to_tensor(input)
    return Tensor("op", [x], lambda v: F.argmax(v, dim=axis if axis is not None else 0), name or "ArgMax",
                  output_type)


def where(condition, x, y, name=None):
    c, a, b = convert_to_tensor(condition), convert_to_tensor(x), convert_to_tensor(y)
    return Tensor("op", [c, a, b], F.where, name or "Select", a.dtype)


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    return elementwise_node(t, lambda v: F.clamp(v, clip_value_min, clip_value_max), name or "clip_by_value")


def _factory(name, make):
    def op(shape, *args, dtype=_dt.float32, name=None, seed=None, **kwargs):
        shape = tuple(int(s) for s in shape)
        dt = _dt.to_dtype(dtype)
        return Tensor("random" if name_is_random(op.__name__) else "factory", [],
                      lambda: make(shape, dt, *args, **kwargs), name or op.__name__, dt, shape)
    op.__name__ = name
    return op


def name_is_random(name):
    return name.startswith("random") or name.startswith("truncated")


def _uniform(shape, dtype, minval=0.0, maxval=1.0):
    return F.add(F.mul(F.rand(*shape, dtype=dtype), maxval - minval), minval)


def _normal(shape, dtype, mean=0.0, stddev=1.0):
    return F.add(F.mul(F.randn(*shape, dtype=dtype), stddev), mean)


def _truncated(shape, dtype, mean=0.0, stddev=1.0):
    # redraw values beyond two standard deviations, as TF does
    z = F.randn(*shape, dtype=dtype)
    for _ in range(8):
        bad = F.gt(F.abs(z), 2.0)
        if not bool(F.any(bad)):
            break
        z = F.where(bad, F.randn(*shape, dtype=dtype), z)
    return F.add(F.mul(F.clamp(z, -2.0, 2.0), stddev), mean)


random_uniform = _factory("random_uniform", _uniform)
random_normal = _factory("random_normal", _normal)
truncated_normal = _factory("truncated_normal", _truncated)
zeros = _factory("zeros", lambda shape, dtype: F.zeros(*shape, dtype=dtype))
ones = _factory("ones", lambda shape, dtype: F.ones(*shape, dtype=dtype))


def fill(dims, value, name=None):
    return constant(np.full(tuple(dims), value), name=name or "Fill")


def zeros_like(tensor, dtype=None, name=None):
    x = convert_to_tensor(tensor)
    return Tensor("op", [x], lambda v: F.zeros_like(v), name or "zeros_like", dtype or x.dtype)


def ones_like(tensor, dtype=None, name=None):
    x = convert_to_tensor(tensor)
    return Tensor("op", [x], lambda v: F.ones_like(v), name or "ones_like", dtype or x.dtype)


def shape_of(input, name=None):
    x = convert_to_tensor(input)
    return Tensor("op", [x], lambda v: EagerTensor(np.asarray(v.shape, dtype=np.int32)), name or "Shape",
                  _dt.int32)


def _getitem(self, index):
    return Tensor("op", [self], lambda v: v[index], "strided_slice", self.dtype)


def _install_operators():
    ops = {"__add__": add, "__sub__": subtract, "__mul__": multiply, "__truediv__": divide, "__pow__": pow,
           "__matmul__": matmul, "__lt__": less, "__gt__": greater, "__le__": less_equal, "__ge__": greater_equal}
    for name, fn in ops.items():
        setattr(Tensor, name, lambda self, other, fn=fn: fn(self, other))
        rname = "__r" + name[2:]
        setattr(Tensor, rname, lambda self, other, fn=fn: fn(other, self))
    Tensor.__neg__ = lambda self: negative(self)
    Tensor.__abs__ = lambda self: abs(self)
    Tensor.__getitem__ = _getitem


_install_operators()


def expand_dims(input, axis, name=None):
    x = convert_to_tensor(input)
    return Tensor("op", [x], lambda v: F.unsqueeze(v, axis), name or "ExpandDims", x.dtype)


def squeeze(input, axis=None, name=None):
    x = convert_to_tensor(input)
    shape = None  # TF's rule: without an axis, an unknown dimension might be 1, so the shape is unknown
    if x.shape is not None and (axis is not None or None not in x.shape):
        axes = {a % len(x.shape) for a in ((axis,) if isinstance(axis, int) else axis or ())}
        shape = tuple(d for i, d in enumerate(x.shape) if not (i in axes if axes else d == 1))
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
