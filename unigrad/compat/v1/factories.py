"""TF1 tensors made from a shape: tf.zeros, tf.ones, tf.fill, the random draws, *_like.

Signatures are TensorFlow's (`tf.zeros([2, 3], tf.float32)` takes the dtype positionally), and
the shape may be given as tensors (`tf.zeros(tf.shape(x))`, `tf.fill(tf.stack([n, 3]), 0.)`,
`tf.random_normal([tf.shape(x)[0], 100])`): those are read when the graph runs.
"""
import numpy as np

from ...backend import dtypes as _dt
from ...core.random import Generator
from ...errors import InvalidArgumentError
from ...ops import api as F
from .graph import Tensor, get_default_graph
from .ops import convert_to_tensor
from .shape_args import shape_arg

DEFAULT_GRAPH_SEED = 87654321  # TF's, used when only an op seed is given


def set_random_seed(seed):
    """tf.set_random_seed: the default graph's seed; random ops made afterwards derive their own
    seed from it (and their op seed, or their place in the graph), and unigrad's default generator
    is seeded too, for the ops of eager code."""
    from ...core.random import manual_seed
    get_default_graph().seed = int(seed)
    manual_seed(int(seed))


def get_seed(op_seed):
    """tf.get_seed: (graph seed, op seed) as TF derives them: with a graph seed an op without its
    own takes the graph's op count; an op seed alone pairs with TF's default graph seed."""
    graph = get_default_graph()
    if graph.seed is not None:
        return (graph.seed, int(op_seed) if op_seed is not None else len(graph.nodes))
    if op_seed is not None:
        return (DEFAULT_GRAPH_SEED, int(op_seed))
    return (None, None)


def op_generator(seed):
    """The generator of a random op being made: its own stream when a graph or op seed applies
    (its draws repeat in every new run of the program and do not depend on what other random
    ops ran before), else None (unigrad's default generator)."""
    graph, op = get_seed(seed)
    if graph is None:
        return None
    return Generator().manual_seed((graph * 1000003 + op) % (2 ** 63))


def uniform_like(v, gen):
    """Uniform [0, 1) draws shaped like v from the op's generator (op_generator): on the meta
    device (static shapes) no number is drawn, and a generator's stream (on the CPU) is moved to
    v's device, so a seeded graph draws the same numbers wherever it runs."""
    if gen is None or v.device is gen.device or v.device.type == "meta":
        return F.rand_like(v, generator=None if v.device.type == "meta" else gen)
    return F.to_device(F.rand(*v.shape, generator=gen, dtype=v.dtype), v.device)


def seeded_dropout(v, keep, gen):
    """v with each element kept with probability `keep` (a number or a tensor of v's dtype) and
    scaled by 1/keep, the others zero, the coin flips drawn by uniform_like from `gen`."""
    return F.where(F.lt(uniform_like(v, gen), keep), F.div(v, keep), F.zeros_like(v))


def _from_shape(kind, shape, dtype, draw, name):
    arg = shape_arg(shape, name)
    dt = _dt.to_dtype(dtype)

    def fn(*values):
        return draw(arg.build(*values), dt)
    return Tensor(kind, arg.inputs, fn, name, dt, arg.static)


def zeros(shape, dtype=_dt.float32, name=None):
    return _from_shape("factory", shape, dtype, lambda s, dt: F.zeros(*s, dtype=dt), name or "zeros")


def ones(shape, dtype=_dt.float32, name=None):
    return _from_shape("factory", shape, dtype, lambda s, dt: F.ones(*s, dtype=dt), name or "ones")


def fill(dims, value, name=None):
    """A tensor of shape `dims` filled with `value` (a number or a scalar tensor; its dtype)."""
    arg = shape_arg(dims, "tf.fill")
    if isinstance(value, Tensor):
        n = len(arg.inputs)

        def fn(*values):
            v = values[n]
            return F.add(F.zeros(*arg.build(*values[:n]), dtype=v.dtype), v)
        return Tensor("factory", arg.inputs + [value], fn, name or "Fill", value.dtype, arg.static)
    dt = _dtype_of(value)
    return Tensor("factory", arg.inputs, lambda *values: F.full(arg.build(*values), value, dtype=dt),
                  name or "Fill", dt, arg.static)


def _dtype_of(value):
    kind = np.asarray(value).dtype.kind
    return _dt.float32 if kind == "f" else _dt.int32 if kind in "iu" else _dt.bool_ if kind == "b" else \
        _dt.to_dtype(np.asarray(value).dtype)


def random_uniform(shape, minval=0, maxval=None, dtype=_dt.float32, seed=None, name=None):
    """Uniform in [minval, maxval) (maxval defaults to 1 for floats; integers need it)."""
    dt = _dt.to_dtype(dtype)
    gen = op_generator(seed)
    if not dt.is_floating_point:
        if maxval is None:
            raise InvalidArgumentError("tf.random_uniform: an integer dtype needs maxval")
        return _from_shape("random", shape, dt, lambda s, d: F.randint(int(minval), int(maxval), s, dtype=d,
                                                                        generator=gen), name or "random_uniform")
    high = 1.0 if maxval is None else maxval
    return _from_shape("random", shape, dt, lambda s, d: F.add(F.mul(F.rand(*s, dtype=d, generator=gen),
                                                                       high - minval), minval),
                       name or "random_uniform")


def random_normal(shape, mean=0.0, stddev=1.0, dtype=_dt.float32, seed=None, name=None):
    gen = op_generator(seed)
    return _from_shape("random", shape, dtype, lambda s, d: F.add(F.mul(F.randn(*s, dtype=d, generator=gen),
                                                                        stddev), mean), name or "random_normal")


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=_dt.float32, seed=None, name=None):
    """Normal draws, those beyond two standard deviations drawn again, as TF does."""
    gen = op_generator(seed)

    def draw(s, d):
        z = F.randn(*s, dtype=d, generator=gen)
        for _ in range(8):  # each round redraws ~4.6% of what is left; 8 rounds leave ~1e-11
            bad = F.gt(F.abs(z), 2.0)
            z = F.where(bad, F.randn(*s, dtype=d, generator=gen), z)
        return F.add(F.mul(F.clamp(z, -2.0, 2.0), stddev), mean)
    return _from_shape("random", shape, dtype, draw, name or "truncated_normal")


def random_shuffle(value, seed=None, name=None):
    """The tensor with its first dimension permuted at random (each run anew)."""
    x = convert_to_tensor(value)
    gen = op_generator(seed)
    return Tensor("random", [x], lambda v: F.index_select(v, 0, F.randperm(v.shape[0], generator=gen)),
                  name or "RandomShuffle", x.dtype, x._shape)


def zeros_like(tensor, dtype=None, name=None, optimize=True):
    x = convert_to_tensor(tensor)
    dt = _dt.to_dtype(dtype) if dtype is not None else x.dtype
    return Tensor("op", [x], lambda v: F.zeros_like(v, dtype=dt), name or "zeros_like", dt, x._shape)


def ones_like(tensor, dtype=None, name=None, optimize=True):
    x = convert_to_tensor(tensor)
    dt = _dt.to_dtype(dtype) if dtype is not None else x.dtype
    return Tensor("op", [x], lambda v: F.ones_like(v, dtype=dt), name or "ones_like", dt, x._shape)
