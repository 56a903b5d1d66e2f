"""More TF1 math ops under their TF names: logical ops, range, sizes, log-sum-exp, counting."""
import builtins

import numpy as np

from ...core.tensor import Tensor as EagerTensor
from ...backend import dtypes as _dt
from ...ops import api as F
from .graph import Tensor
from .ops import _axis, _binary, _reduce, convert_to_tensor, elementwise_node

logical_and = _binary("LogicalAnd", F.logical_and)
logical_or = _binary("LogicalOr", F.logical_or)
logical_xor = _binary("LogicalXor", lambda a, b: F.ne(F.to_dtype(a, "bool"), F.to_dtype(b, "bool")))


def logical_not(x, name=None):
    return elementwise_node(x, F.logical_not, name or "LogicalNot")


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001  (TF's name)
    if limit is None:
        start, limit = 0, start
    values = np.arange(start, limit, delta)
    dt = _dt.to_dtype(dtype) if dtype is not None else (_dt.int32 if values.dtype.kind in "iu" else _dt.float32)
    data = values.astype(dt.np)
    return Tensor("constant", [], lambda: EagerTensor(data), name, dt, data.shape)


reduce_logsumexp = _reduce("ReduceLogSumExp", lambda v, d, k: F.logsumexp(
    v, dim=d if d is not None else tuple(builtins.range(v.ndim)), keepdim=k))


def size(input, name=None, out_type=_dt.int32):
    x = convert_to_tensor(input)
    return Tensor("op", [x], lambda v: EagerTensor(np.asarray(v.numel(), dtype=_dt.to_dtype(out_type).np)),
                  name or "Size", _dt.to_dtype(out_type), ())


def rank(input, name=None):
    x = convert_to_tensor(input)
    return Tensor("op", [x], lambda v: EagerTensor(np.asarray(v.ndim, dtype=np.int32)), name or "Rank", _dt.int32, ())


def count_nonzero(input_tensor, axis=None, keepdims=False, dtype=_dt.int64, name=None):
    x = convert_to_tensor(input_tensor)
    dims = _axis(axis)
    out = _dt.to_dtype(dtype)
    return Tensor("op", [x], lambda v: F.to_dtype(F.sum(F.to_dtype(F.ne(v, 0), out), dim=dims, keepdim=keepdims), out),
                  name or "count_nonzero", out)

