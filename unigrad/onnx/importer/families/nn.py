"""Neural-network ops: Conv, ConvTranspose, Gemm, MatMul, BatchNormalization,
InstanceNormalization, LayerNormalization, GroupNormalization, LRN, Einsum."""
import numpy as np

from ....ops import api as F
from ..rules import rule
from . import composed
from .common import axis_of, ints, scalar
from .pooling import window_geometry


def _same_pads(spatial, kernel, strides, dilations, auto_pad):
    return window_geometry(spatial, kernel, strides, None, dilations, auto_pad, 0)[2]


@rule("Conv", since=1)
def conv(ctx, x, w, b=None, *, auto_pad="NOTSET", dilations=None, group=1, kernel_shape=None, pads=None,
         strides=None):
    n = x.ndim - 2
    kernel = ints(kernel_shape) if kernel_shape else list(w.shape[2:])
    strides, dilations, pairs, _ = window_geometry(x.shape[2:], kernel, strides, pads, dilations, auto_pad, 0)
    if any(b_ != e for b_, e in pairs):  # different pads at the two ends: pad explicitly first
        widths = []
        for begin, end in reversed(pairs):
            widths += [begin, end]
        x = F.pad(x, tuple(widths))
        pairs = [(0, 0)] * n
    padding = tuple(p for p, _ in pairs)
    fn = {1: "conv1d", 2: "conv2d", 3: "conv3d"}.get(n)
    if fn is None:
        raise ctx.attr_error(f"a {n}-D convolution is not supported (1-D, 2-D and 3-D are)")
    return getattr(F, fn)(x, w, b, tuple(strides), padding, tuple(dilations), int(group))


@rule("ConvTranspose", since=1)
def conv_transpose(ctx, x, w, b=None, *, auto_pad="NOTSET", dilations=None, group=1, kernel_shape=None,
                   output_padding=None, output_shape=None, pads=None, strides=None):
    n = x.ndim - 2
    kernel = ints(kernel_shape) if kernel_shape else list(w.shape[2:])
    strides = ints(strides) if strides else [1] * n
    dilations = ints(dilations) if dilations else [1] * n
    extra = ints(output_padding) if output_padding else [0] * n
    full = [st * (s - 1) + (k - 1) * d + 1 for s, st, k, d in zip(x.shape[2:], strides, kernel, dilations)]
    if output_shape is not None:
        target = ints(output_shape)[-n:]
        totals = [f + e - t for f, e, t in zip(full, extra, target)]
        if auto_pad == "SAME_UPPER":
            pairs = [(t // 2, t - t // 2) for t in totals]
        else:
            pairs = [(t - t // 2, t // 2) for t in totals]
    elif auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        totals = [f + e - s * st for f, e, s, st in zip(full, extra, x.shape[2:], strides)]
        pairs = [(t // 2, t - t // 2) if auto_pad == "SAME_UPPER" else (t - t // 2, t // 2) for t in totals]
    else:
        p = ints(pads) if pads else [0] * (2 * n)
        pairs = list(zip(p[:n], p[n:]))
    y = x if n == 2 else F.unsqueeze(x, 2)
    w2 = w if n == 2 else F.unsqueeze(w, 2)
    st2 = ([1] if n == 1 else []) + strides
    d2 = ([1] if n == 1 else []) + dilations
    if n == 3:
        out = composed.conv_transpose3d_full(ctx, x, w, strides, dilations, int(group))
    elif n in (1, 2):
        out = F.conv_transpose2d(y, w2, None, tuple(st2), 0, 0, int(group), tuple(d2))
    else:
        raise ctx.attr_error(f"a {n}-D transposed convolution is not supported (1-D, 2-D and 3-D are)")
    # extra output rows get no input's contribution (zeros); then each end is cropped by its pad
    pairs2 = ([(0, 0)] if n == 1 else []) + pairs
    extra2 = ([0] if n == 1 else []) + extra
    widths = []
    for (begin, end), add in reversed(list(zip(pairs2, extra2))):
        widths += [-begin, add - end]
    if any(widths):
        out = F.pad(out, tuple(widths))
    if n == 1:
        out = F.squeeze(out, 2)
    if b is not None:
        out = F.add(out, F.reshape(b, (b.shape[0],) + (1,) * n))
    return out


@rule("Gemm", since=1)
def gemm(ctx, a, b, c=None, *, alpha=1.0, beta=1.0, transA=0, transB=0, broadcast=0):
    if transA:
        a = F.t(a)
    if transB and alpha == 1 and beta == 1 and c is not None and c.ndim == 1 and a.ndim == 2 \
            and a.dtype.is_floating_point:
        return F.linear(a, b, c)
    out = F.matmul(a, F.t(b) if transB else b)
    if alpha != 1:
        out = F.mul(out, scalar(ctx, alpha, out))
    if c is not None:
        out = F.add(out, c if beta == 1 else F.mul(c, scalar(ctx, beta, c)))
    return out


@rule("MatMul", since=1)
def matmul(ctx, a, b):
    out = F.matmul(a, b)
    # (unigrad's matmul computes 16-bit floats such as bfloat16 in float32; ONNX keeps the input type)
    return out if out.dtype is a.dtype else F.to_dtype(out, a.dtype)


@rule("BatchNormalization", since=1)
def batch_norm(ctx, x, scale, bias, mean, var, *, epsilon=1e-5, momentum=0.9, spatial=1, is_test=None,
               consumed_inputs=None, training_mode=0):
    training = bool(training_mode) or (ctx.training and ctx.opset >= 1 and not is_test and
                                       ctx.run.model.parameters.get(ctx.node.inputs[3]) is not None)
    if not spatial:
        raise ctx.attr_error("BatchNormalization with spatial=0 (statistics per element) is not supported")
    if not training:
        out = F.batch_norm(x, mean, var, scale, bias, False, 0.0, epsilon)
        return (out,) + ((mean, var) if ctx.n_outputs > 1 else ())
    running_mean = ctx.run.model.parameters.get(ctx.node.inputs[3])
    if running_mean is not None and not training_mode:  # to_module in training: its buffers update in place
        return F.batch_norm(x, mean, var, scale, bias, True, 1.0 - momentum, epsilon)
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    batch_mean = F.mean(x, axes, True)
    centred = F.sub(x, batch_mean)
    batch_var = F.mean(F.mul(centred, centred), axes, True)
    out = F.add(F.mul(F.div(centred, F.sqrt(F.add(batch_var, scalar(ctx, epsilon, x)))), F.reshape(scale, shape)),
                F.reshape(bias, shape))
    new_mean = F.add(F.mul(mean, momentum), F.mul(F.reshape(batch_mean, (-1,)), 1.0 - momentum))
    new_var = F.add(F.mul(var, momentum), F.mul(F.reshape(batch_var, (-1,)), 1.0 - momentum))
    return out, new_mean, new_var


@rule("InstanceNormalization", since=1)
def instance_norm(ctx, x, scale, bias, *, epsilon=1e-5, consumed_inputs=None):
    axes = tuple(range(2, x.ndim))
    shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    mean = F.mean(x, axes, True)
    centred = F.sub(x, mean)
    var = F.mean(F.mul(centred, centred), axes, True)
    normal = F.div(centred, F.sqrt(F.add(var, scalar(ctx, epsilon, x))))
    return F.add(F.mul(normal, F.reshape(scale, shape)), F.reshape(bias, shape))


@rule("LayerNormalization", since=17)
def layer_norm(ctx, x, scale, bias=None, *, axis=-1, epsilon=1e-5, stash_type=1):
    a = axis_of(axis, x.ndim)
    normalized = tuple(x.shape[a:])
    if ctx.n_outputs == 1 and tuple(scale.shape) == normalized and (bias is None or tuple(bias.shape) == normalized) \
            and x.dtype.name in ("float32", "float64"):
        return F.layer_norm(x, normalized, scale, bias, epsilon)
    wide = F.to_dtype(x, "float32") if stash_type == 1 and x.dtype.name not in ("float32", "float64") else x
    dims = tuple(range(a, x.ndim))
    mean = F.mean(wide, dims, True)
    centred = F.sub(wide, mean)
    var = F.mean(F.mul(centred, centred), dims, True)
    inv_std = F.rsqrt(F.add(var, scalar(ctx, epsilon, wide)))
    out = F.to_dtype(F.mul(centred, inv_std), x.dtype) if wide is not x else F.mul(centred, inv_std)
    out = F.mul(out, scale)
    if bias is not None:
        out = F.add(out, bias)
    return (out, mean, inv_std)[:max(ctx.n_outputs, 1)]


@rule("GroupNormalization", since=18)
def group_norm(ctx, x, scale, bias, *, epsilon=1e-5, num_groups, stash_type=1):
    n, c = x.shape[:2]
    wide = F.to_dtype(x, "float32") if stash_type == 1 and x.dtype.name not in ("float32", "float64") else x
    grouped = F.reshape(wide, (n, num_groups, -1))
    mean = F.mean(grouped, 2, True)
    centred = F.sub(grouped, mean)
    var = F.mean(F.mul(centred, centred), 2, True)
    normal = F.reshape(F.mul(centred, F.rsqrt(F.add(var, scalar(ctx, epsilon, wide)))), tuple(x.shape))
    if wide is not x:
        normal = F.to_dtype(normal, x.dtype)
    if ctx.opset < 21 and scale.shape[0] == num_groups and num_groups != c:  # opset 18: one scale per group
        scale = F.repeat(F.reshape(scale, (num_groups, 1)), 1, c // num_groups)
        bias = F.repeat(F.reshape(bias, (num_groups, 1)), 1, c // num_groups)
    shape = (1, c) + (1,) * (x.ndim - 2)
    return F.add(F.mul(normal, F.reshape(scale, shape)), F.reshape(bias, shape))


@rule("LRN", since=1)
def lrn(ctx, x, *, size, alpha=1e-4, beta=0.75, bias=1.0):
    n, c = x.shape[:2]
    sq = F.reshape(F.mul(x, x), (n, 1, c, -1))
    before, after = (size - 1) // 2, size - 1 - (size - 1) // 2  # ONNX's window: floor before, ceil after
    padded = F.pad(sq, (0, 0, before, after))
    total = F.sum(F.reshape(F.im2col(padded, (size, 1), (1, 1), (0, 0, 0, 0), (1, 1)), (size, -1)), 0)
    total = F.reshape(F.permute(F.reshape(total, (c, sq.shape[3], n)), dims=(2, 0, 1)), tuple(x.shape))
    base = F.add(F.mul(total, scalar(ctx, alpha / size, x)), scalar(ctx, bias, x))
    return F.div(x, F.pow(base, scalar(ctx, beta, x)))


@rule("Einsum", since=12)
def einsum(ctx, *inputs, equation):
    narrow = [x.dtype for x in inputs if x.dtype.is_floating_point and x.dtype.itemsize < 4]
    if narrow:  # (16-bit floats: products and sums in float32, one rounding at the end, as a GEMM does)
        wide = [F.to_dtype(x, "float32") if x.dtype.itemsize < 4 else x for x in inputs]
        return F.to_dtype(F.einsum(equation, *wide), narrow[0])
    return F.einsum(equation, *inputs)


@rule("MeanVarianceNormalization", since=9)
def mean_variance_normalization(ctx, x, *, axes=(0, 2, 3)):
    dims = tuple(axis_of(a, x.ndim) for a in axes)
    mean = F.mean(x, dims, True)
    centred = F.sub(x, mean)
    var = F.mean(F.mul(centred, centred), dims, True)
    return F.div(centred, F.add(F.sqrt(var), scalar(ctx, 1e-9, x)))


__all__ = ["np"]
