"""Values made from attributes and shapes: Constant, ConstantOfShape, Range, and the random ops
(RandomUniform/Normal and their *Like forms, Bernoulli, Multinomial)."""
import numpy as np

from ....core.random import Generator
from ....ops import api as F
from ...dtypes import to_unigrad
from ..rules import rule
from .common import ints


@rule("Constant", since=1)
def constant(ctx, *, value=None, value_float=None, value_floats=None, value_int=None, value_ints=None,
             value_string=None, value_strings=None, sparse_value=None):
    for v, dtype in ((value, None), (sparse_value, None), (value_float, np.float32), (value_floats, np.float32),
                     (value_int, np.int64), (value_ints, np.int64), (value_string, object), (value_strings, object)):
        if v is not None:
            return np.asarray(v, dtype=dtype) if dtype is not None else np.asarray(v)
    raise ctx.attr_error("Constant has no value attribute")


@rule("ConstantOfShape", since=9, static=(0,))
def constant_of_shape(ctx, shape, *, value=None):
    fill = np.zeros(1, np.float32) if value is None else np.asarray(value).reshape(-1)
    return np.full(tuple(ints(shape)), fill[0], dtype=fill.dtype)


@rule("Range", since=11, static=(0, 1, 2))
def range_(ctx, start, limit, delta):
    dtype = np.asarray(start).dtype
    s, l, d = (np.asarray(v).reshape(()).item() for v in (start, limit, delta))
    count = max(int(np.ceil((l - s) / d)), 0)
    return (s + d * np.arange(count)).astype(dtype)


def _generator(ctx, seed):
    if seed is None:
        return None
    return Generator(ctx.device).manual_seed(int(seed))


def _dtype(dtype, like=None):
    if dtype is not None:
        return to_unigrad(dtype)
    return like.dtype if like is not None else to_unigrad(1)


@rule("RandomUniform", since=1, fold=False)
def random_uniform(ctx, *, shape, dtype=1, high=1.0, low=0.0, seed=None):
    out = F.rand(*ints(shape), generator=_generator(ctx, seed), dtype="float64", device=ctx.device)
    return F.to_dtype(F.add(F.mul(out, high - low), low), _dtype(dtype))


@rule("RandomUniformLike", since=1, fold=False)
def random_uniform_like(ctx, x, *, dtype=None, high=1.0, low=0.0, seed=None):
    out = F.rand(*x.shape, generator=_generator(ctx, seed), dtype="float64", device=ctx.device)
    return F.to_dtype(F.add(F.mul(out, high - low), low), _dtype(dtype, x))


@rule("RandomNormal", since=1, fold=False)
def random_normal(ctx, *, shape, dtype=1, mean=0.0, scale=1.0, seed=None):
    out = F.randn(*ints(shape), generator=_generator(ctx, seed), dtype="float64", device=ctx.device)
    return F.to_dtype(F.add(F.mul(out, scale), mean), _dtype(dtype))


@rule("RandomNormalLike", since=1, fold=False)
def random_normal_like(ctx, x, *, dtype=None, mean=0.0, scale=1.0, seed=None):
    out = F.randn(*x.shape, generator=_generator(ctx, seed), dtype="float64", device=ctx.device)
    return F.to_dtype(F.add(F.mul(out, scale), mean), _dtype(dtype, x))


@rule("Bernoulli", since=15, fold=False)
def bernoulli(ctx, x, *, dtype=None, seed=None):
    return F.to_dtype(F.bernoulli(x, generator=_generator(ctx, seed)), _dtype(dtype, x))


@rule("Multinomial", since=7, fold=False)
def multinomial(ctx, x, *, dtype=6, sample_size=1, seed=None):
    probs = F.softmax(x, -1)
    return F.to_dtype(F.multinomial(probs, sample_size, replacement=True, generator=_generator(ctx, seed)),
                      _dtype(dtype))
