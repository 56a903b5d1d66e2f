"""Shapes and movement: Shape, Size, Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Concat,
Split, Slice, Expand, Tile, Pad, DepthToSpace, SpaceToDepth, ReverseSequence."""
import numpy as np

from ....ops import api as F
from ..rules import rule
from .common import axes_of, axis_of, ints

INT64_MAX = np.iinfo(np.int64).max


@rule("Shape", since=1)
def shape(ctx, x, *, start=0, end=None):
    dims = list(x.shape)
    return np.asarray(dims[start:end] if end is not None else dims[start:], dtype=np.int64)


@rule("Size", since=1)
def size(ctx, x):
    return np.asarray(int(np.prod(x.shape, dtype=np.int64)), dtype=np.int64)


def reshape_to(x, shape, allowzero=0):
    shape = ints(shape)
    if not allowzero:
        shape = [x.shape[i] if s == 0 else s for i, s in enumerate(shape)]
    return F.reshape(x, tuple(shape))


@rule("Reshape", since=1)
def reshape_attr(ctx, x, *, shape=(), consumed_inputs=None):
    return reshape_to(x, shape)


@rule("Reshape", since=5, static=(1,))
def reshape(ctx, x, shape, *, allowzero=0):
    return reshape_to(x, shape, allowzero)


@rule("Flatten", since=1)
def flatten(ctx, x, *, axis=1):
    a = axis + x.ndim if axis < 0 else axis
    rows = int(np.prod(x.shape[:a], dtype=np.int64))
    return F.reshape(x, (rows, int(np.prod(x.shape[a:], dtype=np.int64))))


def squeeze_to(x, axes):
    if axes is None:
        return F.reshape(x, tuple(s for s in x.shape if s != 1))
    drop = set(axes_of(ints(axes), x.ndim))
    return F.reshape(x, tuple(s for i, s in enumerate(x.shape) if i not in drop))


def unsqueeze_to(x, axes):
    rank = x.ndim + len(ints(axes))
    at = set(axes_of(ints(axes), rank))
    dims = iter(x.shape)
    return F.reshape(x, tuple(1 if i in at else next(dims) for i in range(rank)))


@rule("Squeeze", since=1)
def squeeze_attr(ctx, x, *, axes=None):
    return squeeze_to(x, axes)


@rule("Squeeze", since=13, static=(1,))
def squeeze(ctx, x, axes=None):
    return squeeze_to(x, axes)


@rule("Unsqueeze", since=1)
def unsqueeze_attr(ctx, x, *, axes):
    return unsqueeze_to(x, axes)


@rule("Unsqueeze", since=13, static=(1,))
def unsqueeze(ctx, x, axes):
    return unsqueeze_to(x, axes)


@rule("Transpose", since=1)
def transpose(ctx, x, *, perm=None):
    perm = list(range(x.ndim))[::-1] if perm is None else [axis_of(p, x.ndim) for p in perm]
    return F.permute(x, dims=tuple(perm))


@rule("Concat", since=1)
def concat(ctx, *xs, axis=1):
    xs = [x for x in xs if x is not None]
    return F.cat(xs, axis_of(axis, xs[0].ndim))


def split_sizes(ctx, length, split, num_outputs):
    if split is not None and len(ints(split)):
        return ints(split)
    n = num_outputs or ctx.n_outputs
    if ctx.opset >= 18 and num_outputs:  # opset 18: ceil-sized parts, the last smaller
        part = -(-length // n)
        sizes = [part] * (length // part) + ([length % part] if length % part else [])
        return sizes
    return [length // n] * n


@rule("Split", since=1)
def split_attr(ctx, x, split_input=None, *, axis=0, split=None):
    a = axis_of(axis, x.ndim)
    if split_input is not None:
        split = ctx.value(split_input)
    return tuple(F.split(x, split_sizes(ctx, x.shape[a], split, None), a))


@rule("Split", since=13, static=(1,))
def split(ctx, x, split=None, *, axis=0, num_outputs=None):
    a = axis_of(axis, x.ndim)
    return tuple(F.split(x, split_sizes(ctx, x.shape[a], split, num_outputs), a))


def slice_of(x, starts, ends, axes, steps):
    rank = x.ndim
    axes = list(range(len(starts))) if axes is None else [axis_of(a, rank) for a in ints(axes)]
    steps = [1] * len(axes) if steps is None else ints(steps)
    index = [slice(None)] * rank
    for a, s, e, st in zip(axes, ints(starts), ints(ends), steps):
        index[a] = slice(s, e, st)
    return x[tuple(index)]


@rule("Slice", since=1)
def slice_attr(ctx, x, *, starts, ends, axes=None):
    return F.clone(slice_of(x, starts, ends, axes, None))


@rule("Slice", since=10, static=(1, 2, 3, 4))
def slice_(ctx, x, starts, ends, axes=None, steps=None):
    return F.clone(slice_of(x, starts, ends, axes, steps))


@rule("Expand", since=8, static=(1,))
def expand(ctx, x, shape):
    out = np.broadcast_shapes(tuple(x.shape), tuple(ints(shape)))
    return F.clone(F.broadcast_to(x, out))


@rule("Tile", since=6, static=(1,))
def tile(ctx, x, repeats):
    return F.repeat(x, *ints(repeats)) if x.ndim else F.clone(x)


@rule("Tile", since=1, static=(1, 2))
def tile_axis(ctx, x, tiles, axis):
    reps = [1] * x.ndim
    reps[axis_of(int(axis.reshape(-1)[0]), x.ndim)] = int(tiles.reshape(-1)[0])
    return F.repeat(x, *reps)


def pad_to(ctx, x, pads, value, mode, axes=None):
    rank = x.ndim
    pads = ints(pads)
    axes = list(range(rank)) if axes is None else [axis_of(a, rank) for a in ints(axes)]
    begins, ends = [0] * rank, [0] * rank
    for k, a in enumerate(axes):
        begins[a], ends[a] = pads[k], pads[k + len(axes)]
    if any(b < 0 or e < 0 for b, e in zip(begins, ends)):  # negative widths crop first
        x = x[tuple(slice(max(-b, 0), x.shape[i] - max(-e, 0)) for i, (b, e) in enumerate(zip(begins, ends)))]
        begins, ends = [max(b, 0) for b in begins], [max(e, 0) for e in ends]
    if mode == "constant":
        widths = []
        for b, e in zip(begins[::-1], ends[::-1]):
            widths += [b, e]
        fill = 0 if value is None else np.asarray(value).reshape(-1)[0].item() if np.asarray(value).size else 0
        out = F.pad(x, tuple(widths), value=fill)
        return out if out.dtype is x.dtype else F.to_dtype(out, x.dtype)
    modes = {"reflect": "reflect", "edge": "edge", "wrap": "wrap"}
    if mode not in modes:
        raise ctx.attr_error(f"pad mode {mode!r} is not one of constant, reflect, edge, wrap")
    for a in range(rank):  # each padded axis gathers its source positions (NumPy's np.pad of arange)
        if begins[a] or ends[a]:
            source = np.pad(np.arange(x.shape[a]), (begins[a], ends[a]), mode=modes[mode])
            x = F.index_select(x, a, ctx.const(source.astype(np.int64)))
    return x


@rule("Pad", since=1)
def pad_attr(ctx, x, *, pads=None, paddings=None, mode="constant", value=0.0):
    return pad_to(ctx, x, pads if pads is not None else paddings, value, mode)


@rule("Pad", since=11, static=(1, 2, 3))
def pad(ctx, x, pads, constant_value=None, axes=None, *, mode="constant"):
    return pad_to(ctx, x, pads, constant_value, mode, axes)


@rule("DepthToSpace", since=1)
def depth_to_space(ctx, x, *, blocksize, mode="DCR"):
    n, c, h, w = x.shape
    b = blocksize
    if mode == "DCR":
        y = F.permute(F.reshape(x, (n, b, b, c // (b * b), h, w)), dims=(0, 3, 4, 1, 5, 2))
    else:
        y = F.permute(F.reshape(x, (n, c // (b * b), b, b, h, w)), dims=(0, 1, 4, 2, 5, 3))
    return F.reshape(y, (n, c // (b * b), h * b, w * b))


@rule("SpaceToDepth", since=1)
def space_to_depth(ctx, x, *, blocksize, mode="DCR"):
    n, c, h, w = x.shape
    b = blocksize
    order = (0, 3, 5, 1, 2, 4) if mode == "DCR" else (0, 1, 3, 5, 2, 4)
    y = F.permute(F.reshape(x, (n, c, h // b, b, w // b, b)), dims=order)
    return F.reshape(y, (n, c * b * b, h // b, w // b))


@rule("ReverseSequence", since=10, static=(1,))
def reverse_sequence(ctx, x, lengths, *, batch_axis=1, time_axis=0):
    index = np.indices(x.shape)[time_axis]
    lengths = ints(lengths)
    shape = [1] * x.ndim
    shape[batch_axis] = len(lengths)
    lens = np.asarray(lengths).reshape(shape)
    source = np.where(index < lens, lens - 1 - index, index).astype(np.int64)
    return F.gather(x, time_axis, ctx.const(source))
