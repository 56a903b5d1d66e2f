"""Pooling: MaxPool (values and indices), AveragePool, LpPool, their Global forms, MaxUnpool.

ONNX pads may differ at the two ends of an axis (and auto_pad computes them); 2-D windows run on
unigrad's window ops with explicit (top, bottom, left, right) pads, 1-D ones as 2-D windows of
height 1. Averages divide by the count of the window's cells inside the input (and inside the
padding, with count_include_pad), which an im2col of ones gives exactly.
"""
import math

import numpy as np

from ....ops import api as F
from ..rules import rule
from . import composed
from .common import ints


def window_geometry(spatial, kernel, strides, pads, dilations, auto_pad, ceil_mode):
    """(strides, dilations, pads as [(begin, end)] with ceil mode's overflow added at the ends,
    the part of each end that is padding proper)."""
    n = len(spatial)
    strides = ints(strides) if strides else [1] * n
    dilations = ints(dilations) if dilations else [1] * n
    if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        pairs = []
        for size, k, s, d in zip(spatial, kernel, strides, dilations):
            total = max((math.ceil(size / s) - 1) * s + (k - 1) * d + 1 - size, 0)
            small, big = total // 2, total - total // 2
            pairs.append((small, big) if auto_pad == "SAME_UPPER" else (big, small))
    elif auto_pad == "VALID":
        pairs = [(0, 0)] * n
    else:
        p = ints(pads) if pads else [0] * (2 * n)
        pairs = list(zip(p[:n], p[n:]))
    proper = list(pairs)
    if ceil_mode:
        grown = []
        for size, k, s, d, (b, e) in zip(spatial, kernel, strides, dilations, pairs):
            span = size + b + e - d * (k - 1) - 1
            out = -(-span // s) + 1
            if (out - 1) * s >= size + b:  # the last window must start inside the input or its left pad
                out -= 1
            grown.append((b, max(e, (out - 1) * s + d * (k - 1) + 1 - size - b)))
        pairs = grown
    return strides, dilations, pairs, proper


def _as_2d(x, kernel, strides, dilations, pairs):
    """A 1-D window problem as a 2-D one of height 1."""
    if len(kernel) == 2:
        return x, kernel, strides, dilations, pairs, False
    return F.unsqueeze(x, 2), [1] + list(kernel), [1] + list(strides), [1] + list(dilations), [(0, 0)] + \
        list(pairs), True


def _flat_pads(pairs):
    return (pairs[0][0], pairs[0][1], pairs[1][0], pairs[1][1])


def _window_sums(ctx, x, kernel, strides, dilations, pairs):
    """The sum of each window (zero padding), (N, C, OH, OW)."""
    n, c, h, w = x.shape
    cols = F.im2col(x, tuple(kernel), tuple(strides), _flat_pads(pairs), tuple(dilations))
    total = F.sum(F.reshape(cols, (c, kernel[0] * kernel[1], -1)), 1)
    oh = _out(h, kernel[0], strides[0], pairs[0], dilations[0])
    ow = _out(w, kernel[1], strides[1], pairs[1], dilations[1])
    return F.permute(F.reshape(total, (c, oh, ow, n)), dims=(3, 0, 1, 2))


def _out(size, k, s, pair, d):
    return (size + pair[0] + pair[1] - d * (k - 1) - 1) // s + 1


def _counts(shape, kernel, strides, dilations, pairs, proper, include_pad):
    """How many cells of each window count: inside the input, or also inside the padding proper."""
    h, w = shape
    region = np.ones((1, 1, h, w))
    grow = pairs
    if include_pad:
        region = np.pad(region, ((0, 0), (0, 0), proper[0], proper[1]), constant_values=1)
        grow = [(b - pb, e - pe) for (b, e), (pb, pe) in zip(pairs, proper)]
    region = np.pad(region, ((0, 0), (0, 0), grow[0], grow[1]))
    oh = _out(h, kernel[0], strides[0], pairs[0], dilations[0])
    ow = _out(w, kernel[1], strides[1], pairs[1], dilations[1])
    counts = np.zeros((oh, ow))
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            r0, c0 = i * dilations[0], j * dilations[1]
            counts += region[0, 0, r0:r0 + strides[0] * (oh - 1) + 1:strides[0], c0:c0 + strides[1] * (ow - 1) + 1:
                             strides[1]]
    return counts


@rule("MaxPool", since=1)
def max_pool(ctx, x, *, kernel_shape, auto_pad="NOTSET", ceil_mode=0, dilations=None, pads=None,
             storage_order=0, strides=None):
    kernel = ints(kernel_shape)
    if len(kernel) == 3 and (ctx.n_outputs < 2 or not ctx.outputs[1]):
        return _pool_3d(ctx, "max", x, kernel, strides, pads, dilations, auto_pad, ceil_mode)
    strides, dilations, pairs, _ = window_geometry(x.shape[2:], kernel, strides, pads, dilations, auto_pad, ceil_mode)
    y, kernel2, strides2, dilations2, pairs2, squeezed = _as_2d(x, kernel, strides, dilations, pairs)
    source = y if y.dtype.is_floating_point else F.to_dtype(y, "float64")
    args = (tuple(kernel2), tuple(strides2), _flat_pads(pairs2), tuple(dilations2))
    if ctx.n_outputs < 2 or not ctx.outputs[1]:
        values = F.max_pool2d_values(source, *args)
        values = values if values.dtype is x.dtype else F.to_dtype(values, x.dtype)
        return F.squeeze(values, 2) if squeezed else values
    values, arg = F.max_pool2d_windows(source, *args)
    indices = _flat_indices(ctx, F.to_dtype(arg, "int64"), y.shape, kernel2, strides2, pairs2, dilations2,
                            storage_order)
    values = values if values.dtype is x.dtype else F.to_dtype(values, x.dtype)
    if squeezed:
        return F.squeeze(values, 2), F.squeeze(indices, 2)
    return values, indices


def _flat_indices(ctx, arg, shape, kernel, strides, pairs, dilations, storage_order):
    """Window-local argmax -> ONNX's index into the whole flattened (N, C, H, W) input."""
    n, c, h, w = shape
    _, _, oh, ow = arg.shape
    oy = ctx.const(np.arange(oh, dtype=np.int64).reshape(1, 1, oh, 1) * strides[0] - pairs[0][0])
    ox = ctx.const(np.arange(ow, dtype=np.int64).reshape(1, 1, 1, ow) * strides[1] - pairs[1][0])
    y = F.add(oy, F.mul(F.floor_divide(arg, kernel[1]), dilations[0]))
    x = F.add(ox, F.mul(F.remainder(arg, kernel[1]), dilations[1]))
    plane = F.add(F.mul(x, h), y) if storage_order else F.add(F.mul(y, w), x)
    offsets = ctx.const((np.arange(n * c, dtype=np.int64) * h * w).reshape(n, c, 1, 1))
    return F.add(plane, offsets)


def _pool_3d(ctx, kind, x, kernel, strides, pads, dilations, auto_pad, ceil_mode, count_include_pad=0, p=2):
    """3-D max/average/Lp pooling: windows are boxes, so reduce each window's depth slices first
    (composed.depth_windows), then pool the planes with the 2-D window ops. An average divides by
    the box's count, the product of the depth count and the plane count."""
    strides, dilations, pairs, proper = window_geometry(x.shape[2:], kernel, strides, pads, dilations, auto_pad,
                                                        ceil_mode)
    n, c = x.shape[0], x.shape[1]
    source = x if x.dtype.is_floating_point else F.to_dtype(x, "float64")
    if kind == "lp":
        source = F.pow(F.abs(source), float(p))
    fill = -np.inf if kind == "max" else 0
    windows = composed.depth_windows(ctx, source, kernel[0], strides[0], dilations[0], pairs[0], fill)
    od = windows.shape[2]
    reduced = F.amax(windows, 3) if kind == "max" else F.sum(windows, (3,))
    planes = F.reshape(reduced, (n, c * od) + tuple(reduced.shape[3:]))
    if kind == "max":
        out = F.max_pool2d_values(planes, tuple(kernel[1:]), tuple(strides[1:]), _flat_pads(pairs[1:]),
                                  tuple(dilations[1:]))
    else:
        out = _window_sums(ctx, planes, kernel[1:], strides[1:], dilations[1:], pairs[1:])
    out = F.reshape(out, (n, c, od) + tuple(out.shape[2:]))
    if kind == "avg":
        depth = _counts((1, x.shape[2]), [1, kernel[0]], [1, strides[0]], [1, dilations[0]], [(0, 0), pairs[0]],
                        [(0, 0), proper[0]], count_include_pad)[0]
        plane = _counts(tuple(x.shape[3:]), kernel[1:], strides[1:], dilations[1:], pairs[1:], proper[1:],
                        count_include_pad)
        out = F.div(out, ctx.const((depth[:, None, None] * plane[None]).astype(source.dtype.np)))
    elif kind == "lp":
        out = F.pow(out, 1.0 / p)
    return out if out.dtype is x.dtype else F.to_dtype(out, x.dtype)


@rule("AveragePool", since=1)
def average_pool(ctx, x, *, kernel_shape, auto_pad="NOTSET", ceil_mode=0, count_include_pad=0, dilations=None,
                 pads=None, strides=None):
    kernel = ints(kernel_shape)
    if len(kernel) == 3:
        return _pool_3d(ctx, "avg", x, kernel, strides, pads, dilations, auto_pad, ceil_mode, count_include_pad)
    strides, dilations, pairs, proper = window_geometry(x.shape[2:], kernel, strides, pads, dilations, auto_pad,
                                                        ceil_mode)
    y, kernel2, strides2, dilations2, pairs2, squeezed = _as_2d(x, kernel, strides, dilations, pairs)
    proper2 = proper if not squeezed else [(0, 0)] + list(proper)
    sums = _window_sums(ctx, y, kernel2, strides2, dilations2, pairs2)
    counts = _counts(y.shape[2:], kernel2, strides2, dilations2, pairs2, proper2, count_include_pad)
    out = F.div(sums, ctx.const(counts.astype(x.dtype.np)))
    return F.squeeze(out, 2) if squeezed else out


@rule("LpPool", since=1)
def lp_pool(ctx, x, *, kernel_shape, auto_pad="NOTSET", ceil_mode=0, dilations=None, p=2, pads=None,
            strides=None):
    kernel = ints(kernel_shape)
    if len(kernel) == 3:
        return _pool_3d(ctx, "lp", x, kernel, strides, pads, dilations, auto_pad, ceil_mode, p=p)
    strides, dilations, pairs, _ = window_geometry(x.shape[2:], kernel, strides, pads, dilations, auto_pad, ceil_mode)
    y, kernel2, strides2, dilations2, pairs2, squeezed = _as_2d(x, kernel, strides, dilations, pairs)
    powered = F.pow(F.abs(y), float(p))
    out = F.pow(_window_sums(ctx, powered, kernel2, strides2, dilations2, pairs2), 1.0 / p)
    return F.squeeze(out, 2) if squeezed else out


def _spatial(x):
    return tuple(range(2, x.ndim))


@rule("GlobalAveragePool", since=1)
def global_average_pool(ctx, x):
    return F.mean(x, _spatial(x), True)


@rule("GlobalMaxPool", since=1)
def global_max_pool(ctx, x):
    return F.amax(x, _spatial(x), True)


@rule("GlobalLpPool", since=2)
def global_lp_pool(ctx, x, *, p=2):
    return F.pow(F.sum(F.pow(F.abs(x), float(p)), _spatial(x), True), 1.0 / p)


@rule("MaxUnpool", since=9, static=(2,))
def max_unpool(ctx, x, indices, output_shape=None, *, kernel_shape, pads=None, strides=None):
    kernel = ints(kernel_shape)
    n = len(kernel)
    strides = ints(strides) if strides else [1] * n
    pads = ints(pads) if pads else [0] * (2 * n)
    spatial = [(s - 1) * st + k - pads[i] - pads[i + n] for i, (s, st, k) in
               enumerate(zip(x.shape[2:], strides, kernel))]
    inferred = tuple(x.shape[:2]) + tuple(spatial)
    flat = F.zeros(int(np.prod(inferred)), dtype=x.dtype, device=x.device)
    out = F.reshape(F.index_put(flat, F.reshape(F.to_dtype(indices, "int64"), (-1,)), F.reshape(x, (-1,))), inferred)
    if output_shape is None:
        return out
    shape = tuple(ints(output_shape))  # the unpooled values stay at the start of each larger dim
    widths = []
    for have, want in reversed(list(zip(inferred, shape))):
        widths += [0, want - have]
    return F.pad(out, tuple(widths))
