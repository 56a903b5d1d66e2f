"""Reductions: ReduceSum/Mean/Max/Min/Prod/L1/L2/LogSum/LogSumExp/SumSquare, ArgMax/ArgMin,
CumSum/CumProd, Hardmax, LpNormalization. Axes are an attribute before opset 13 (ReduceSum)
or 18 (the others), an input after."""
import numpy as np

from ....ops import api as F
from ..rules import rule
from .common import axes_of, axis_of, ints, scalar, to_like


def _empty_value(kind):
    """What a reduction over no elements gives."""
    if kind == "prod":
        return 1
    if kind in ("max", "log_sum", "log_sum_exp"):
        return -np.inf
    if kind == "min":
        return np.inf
    return np.nan if kind == "mean" else 0


def _apply(kind, x, dims, keep):
    if kind == "sum":
        return F.sum(x, dims, keep)
    if kind == "mean":
        return F.mean(x, dims, keep) if x.dtype.is_floating_point else F.to_dtype(
            F.mean(F.to_dtype(x, "float64"), dims, keep), x.dtype)
    if kind == "max":
        return F.amax(x, dims, keep)
    if kind == "min":
        return F.amin(x, dims, keep)
    if kind == "prod":
        return F.prod(x, dims, keep)
    if kind == "l1":
        return F.sum(F.abs(x), dims, keep)
    if kind == "l2":
        return F.sqrt(F.sum(F.mul(x, x), dims, keep)) if x.dtype.is_floating_point else F.to_dtype(
            F.sqrt(F.sum(F.mul(F.to_dtype(x, "float64"), F.to_dtype(x, "float64")), dims, keep)), x.dtype)
    if kind == "log_sum":
        return F.log(F.sum(x, dims, keep))
    if kind == "log_sum_exp":
        return F.logsumexp(x, dims, keep)
    return F.sum(F.mul(x, x), dims, keep)


def reduce(ctx, kind, x, axes, keepdims, noop_with_empty_axes=0):
    rank = x.ndim
    if axes is None or len(axes) == 0:
        if noop_with_empty_axes:
            return F.clone(x)
        dims = tuple(range(rank))
    else:
        dims = axes_of(ints(axes), rank)
    keep = bool(keepdims)
    if rank == 0:
        return to_like(_apply(kind, F.reshape(x, (1,)), (0,), False), x)
    if not dims:
        return F.clone(x)
    if any(x.shape[d] == 0 for d in dims):
        shape = tuple(1 if d in dims else s for d, s in enumerate(x.shape)) if keep else \
            tuple(s for d, s in enumerate(x.shape) if d not in dims)
        value = _empty_value(kind)
        if not x.dtype.is_floating_point and not np.isfinite(value):
            info = np.iinfo(x.dtype.np) if x.dtype.name != "bool" else None
            value = (info.min if value < 0 else info.max) if info else (value > 0)
        return F.full(shape, value, dtype=x.dtype, device=x.device)
    return to_like(_apply(kind, x, dims, keep), x)


def _reductions(op_type, kind, input_since):
    @rule(op_type, since=1)
    def with_attribute(ctx, x, *, axes=None, keepdims=1):
        return reduce(ctx, kind, x, axes, keepdims)

    @rule(op_type, since=input_since, static=(1,))
    def with_input(ctx, x, axes=None, *, keepdims=1, noop_with_empty_axes=0):
        return reduce(ctx, kind, x, axes, keepdims, noop_with_empty_axes)


_reductions("ReduceSum", "sum", 13)
for _op, _kind in [("ReduceMean", "mean"), ("ReduceMax", "max"), ("ReduceMin", "min"), ("ReduceProd", "prod"),
                   ("ReduceL1", "l1"), ("ReduceL2", "l2"), ("ReduceLogSum", "log_sum"),
                   ("ReduceLogSumExp", "log_sum_exp"), ("ReduceSumSquare", "sum_square")]:
    _reductions(_op, _kind, 18)


def _arg(op_type, fn):
    @rule(op_type, since=1)
    def arg(ctx, x, *, axis=0, keepdims=1, select_last_index=0):
        if x.ndim == 0:
            return F.zeros((), dtype="int64", device=x.device)
        a = axis_of(axis, x.ndim)
        if select_last_index:
            last = F.sub(scalar(ctx, x.shape[a] - 1, F.zeros((), dtype="int64")),
                         getattr(F, fn)(F.flip(x, (a,)), a, bool(keepdims)))
            return last
        return getattr(F, fn)(x, a, bool(keepdims))
    return arg


_arg("ArgMax", "argmax")
_arg("ArgMin", "argmin")


def _cumulative(op_type, fn, since):
    @rule(op_type, since=since, static=(1,))
    def cumulative(ctx, x, axis, *, exclusive=0, reverse=0):
        a = axis_of(int(np.asarray(axis).reshape(-1)[0]), x.ndim)
        y = F.flip(x, (a,)) if reverse else x
        out = getattr(F, fn)(y, a)
        if exclusive:  # shift by one: the first is the identity
            identity = F.full_like(_first(y, a), 0 if fn == "cumsum" else 1)
            out = F.cat([identity, _drop_last(out, a)], a)
        out = F.flip(out, (a,)) if reverse else out
        return to_like(out, x)
    return cumulative


def _first(x, axis):
    index = [slice(None)] * x.ndim
    index[axis] = slice(0, 1)
    return x[tuple(index)]


def _drop_last(x, axis):
    index = [slice(None)] * x.ndim
    index[axis] = slice(0, x.shape[axis] - 1)
    return x[tuple(index)]


_cumulative("CumSum", "cumsum", 11)
_cumulative("CumProd", "cumprod", 26)


def flat_at(x, axis):
    """x as 2-D, the dims before `axis` flattened into rows (the softmax family before opset 13)."""
    a = axis_of(axis, x.ndim)
    return F.reshape(x, (int(np.prod(x.shape[:a], dtype=np.int64)), int(np.prod(x.shape[a:], dtype=np.int64))))


@rule("Hardmax", since=1)
def hardmax_flattened(ctx, x, *, axis=1):
    flat = flat_at(x, axis)
    picked = F.one_hot(F.argmax(flat, 1), flat.shape[1])
    return F.reshape(F.to_dtype(picked, x.dtype), tuple(x.shape))


@rule("Hardmax", since=13)
def hardmax(ctx, x, *, axis=-1):
    a = axis_of(axis, x.ndim)
    picked = F.one_hot(F.argmax(x, a), x.shape[a])
    return F.to_dtype(F.movedim(picked, -1, a), x.dtype)


@rule("LpNormalization", since=1)
def lp_normalization(ctx, x, *, axis=-1, p=2):
    a = axis_of(axis, x.ndim)
    if p == 1:
        norm = F.sum(F.abs(x), a, True)
    else:
        norm = F.sqrt(F.sum(F.mul(x, x), a, True))
    return F.where(F.eq(norm, 0), F.zeros_like(x), F.div(x, norm))
