"""Gathering and scattering: Gather, GatherElements, GatherND, ScatterElements, ScatterND,
Scatter, Compress, OneHot, TopK, Trilu, EyeLike (NonZero and Unique: host.py)."""
import numpy as np

from ....ops import api as F
from ..rules import rule
from .common import axis_of, scalar


def _wrap(ctx, index, size):
    """Negative indices count from the end, as ONNX allows."""
    index = index if index.dtype.name == "int64" else F.to_dtype(index, "int64")
    return F.where(F.lt(index, 0), F.add(index, scalar(ctx, size, index)), index)


@rule("Gather", since=1)
def gather(ctx, x, indices, *, axis=0):
    a = axis_of(axis, x.ndim)
    idx = _wrap(ctx, indices, x.shape[a])
    flat = F.index_select(x, a, F.reshape(idx, (-1,)))
    return F.reshape(flat, tuple(x.shape[:a]) + tuple(indices.shape) + tuple(x.shape[a + 1:]))


@rule("GatherElements", since=11)
def gather_elements(ctx, x, indices, *, axis=0):
    a = axis_of(axis, x.ndim)
    return F.gather(x, a, _wrap(ctx, indices, x.shape[a]))


def _nd_key(ctx, x, indices, batch_dims):
    """The advanced index of GatherND/ScatterND: one index tensor per indexed dim (batch dims
    indexed by their position)."""
    k = indices.shape[-1]
    lead = tuple(indices.shape[:-1])
    key = []
    for b in range(batch_dims):
        pos = np.arange(x.shape[b]).reshape([-1 if i == b else 1 for i in range(len(lead))])
        key.append(ctx.const(np.broadcast_to(pos, lead).astype(np.int64)))
    for j in range(k):
        column = F.reshape(F.getitem(indices, (Ellipsis, j)), lead)
        key.append(_wrap(ctx, column, x.shape[batch_dims + j]))
    return tuple(key)


@rule("GatherND", since=11)
def gather_nd(ctx, x, indices, *, batch_dims=0):
    return F.getitem(x, _nd_key(ctx, x, indices, batch_dims))


def _scatter(ctx, x, key, updates, reduction):
    if reduction in ("none", None):
        return F.index_put(x, key, updates)
    if reduction == "add":
        return F.index_put(x, key, updates, accumulate=True)
    flat_x = F.reshape(x, (-1,))
    strides = np.cumprod([1] + list(x.shape[::-1]))[:-1][::-1]
    position = None
    for k, stride in zip(key, strides):
        term = F.mul(F.broadcast_to(k, tuple(updates.shape[:k.ndim])), int(stride))
        position = term if position is None else F.add(position, term)
    trailing = updates.ndim - position.ndim  # dims of x each index addresses whole (ScatterND with k < rank)
    position = F.reshape(position, tuple(position.shape) + (1,) * trailing)
    if trailing:
        inner = np.arange(int(np.prod(x.shape[x.ndim - trailing:])), dtype=np.int64).reshape(x.shape[x.ndim - trailing:])
        position = F.add(position, ctx.const(inner))
    position = F.reshape(F.broadcast_to(position, tuple(updates.shape)), (-1,))
    reduce = "prod" if reduction == "mul" else "a" + reduction  # ONNX's names -> torch's scatter_reduce modes
    out = F.scatter_reduce(flat_x, 0, position, F.reshape(updates, (-1,)), reduce, include_self=True)
    return F.reshape(out, tuple(x.shape))


def _along(ctx, indices, axis, x):
    """GatherElements-style indices as a full advanced index into x."""
    grids = np.indices(indices.shape)
    key = [ctx.const(g.astype(np.int64)) for g in grids]
    key[axis] = _wrap(ctx, indices, x.shape[axis])
    return tuple(key)


@rule("ScatterElements", since=11)
def scatter_elements(ctx, x, indices, updates, *, axis=0, reduction="none"):
    a = axis_of(axis, x.ndim)
    return _scatter(ctx, x, _along(ctx, indices, a, x), updates, reduction)


@rule("Scatter", since=9)
def scatter(ctx, x, indices, updates, *, axis=0):
    a = axis_of(axis, x.ndim)
    return _scatter(ctx, x, _along(ctx, indices, a, x), updates, "none")


@rule("ScatterND", since=11)
def scatter_nd(ctx, x, indices, updates, *, reduction="none"):
    return _scatter(ctx, x, _nd_key(ctx, x, indices, 0), updates, reduction)


@rule("Compress", since=9, static=(1,))
def compress(ctx, x, condition, *, axis=None):
    keep = np.nonzero(np.asarray(condition).reshape(-1).astype(bool))[0]
    if axis is None:
        flat = F.reshape(x, (-1,))
        return F.index_select(flat, 0, ctx.const(keep[keep < flat.shape[0]].astype(np.int64)))
    a = axis_of(axis, x.ndim)
    return F.index_select(x, a, ctx.const(keep[keep < x.shape[a]].astype(np.int64)))


@rule("OneHot", since=9, static=(1, 2))
def one_hot(ctx, indices, depth, values, *, axis=-1):
    depth = int(np.asarray(depth).reshape(-1)[0])
    rank = indices.ndim + 1
    a = axis_of(axis, rank)
    idx = F.to_dtype(indices, "int64") if indices.dtype.name != "int64" else indices
    idx = F.where(F.lt(idx, 0), F.add(idx, depth), idx)
    shape = [1] * rank
    shape[a] = depth
    classes = ctx.const(np.arange(depth, dtype=np.int64).reshape(shape))
    hit = F.eq(F.unsqueeze(idx, a), classes)
    off, on = np.asarray(values).reshape(-1)[:2]
    return F.where(hit, ctx.const(np.asarray(on)), ctx.const(np.asarray(off)))


@rule("TopK", since=10, static=(1,))
def top_k(ctx, x, k, *, axis=-1, largest=1, sorted=1):
    values, indices = F.topk(x, int(np.asarray(k).reshape(-1)[0]), axis_of(axis, x.ndim), bool(largest), True)
    return values, F.to_dtype(indices, "int64")


@rule("TopK", since=1)
def top_k_attr(ctx, x, *, k, axis=-1):
    values, indices = F.topk(x, int(k), axis_of(axis, x.ndim), True, True)
    return values, F.to_dtype(indices, "int64")


@rule("Trilu", since=14, static=(1,))
def trilu(ctx, x, k=None, *, upper=1):
    k = 0 if k is None else int(np.asarray(k).reshape(-1)[0])
    return F.triu(x, k) if upper else F.tril(x, k)


@rule("EyeLike", since=9)
def eye_like(ctx, x, *, dtype=None, k=0):
    from ...dtypes import to_unigrad
    out_dtype = to_unigrad(dtype) if dtype is not None else x.dtype
    rows, cols = x.shape
    return np.eye(rows, cols, k=k, dtype=out_dtype.np)
