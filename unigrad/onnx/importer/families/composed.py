"""3-D window helpers written over 2-D registry ops: the depth windows of a 3-D pooling window,
and a 3-D transposed convolution without padding as 2-D ones per kernel depth."""
import numpy as np

from ....ops import api as F


def depth_windows(ctx, x, k, stride, dilation, pair, fill):
    """(N, C, OD, k, H, W): the k depth slices of each output depth's window, the depth padded
    with `fill` by pair = (begin, end). A 3-D window problem is then 2-D problems per slice."""
    n, c, depth = x.shape[0], x.shape[1], x.shape[2]
    begin, end = pair
    if begin or end:
        shape = list(x.shape)
        pads = []
        for size in (begin, end):
            shape[2] = size
            pads.append(ctx.const(np.full(shape, fill, dtype=x.dtype.np)) if size else None)
        x = F.cat([p for p in (pads[0], x, pads[1]) if p is not None], 2)
        depth += begin + end
    out = (depth - dilation * (k - 1) - 1) // stride + 1
    index = (np.arange(out)[:, None] * stride + np.arange(k)[None, :] * dilation).reshape(-1)
    picked = F.index_select(x, 2, ctx.const(index.astype(np.int64)))
    return F.reshape(picked, (n, c, out, k) + tuple(x.shape[3:]))


def conv_transpose3d_full(ctx, x, w, strides, dilations, groups):
    """A 3-D transposed convolution without padding: for each kernel depth, one 2-D transposed
    convolution over every input depth's plane, added at depths d*stride + k*dilation."""
    n, depth = x.shape[0], x.shape[2]
    planes = F.reshape(F.permute(x, dims=(0, 2, 1, 3, 4)), (n * depth,) + tuple(x.shape[1:2]) + tuple(x.shape[3:]))
    full_depth = (depth - 1) * strides[0] + dilations[0] * (w.shape[2] - 1) + 1
    out = None
    for kd in range(w.shape[2]):
        part = F.conv_transpose2d(planes, w[:, :, kd], None, tuple(strides[1:]), 0, 0, groups, tuple(dilations[1:]))
        part = F.permute(F.reshape(part, (n, depth) + tuple(part.shape[1:])), dims=(1, 0, 2, 3, 4))
        if out is None:
            out = ctx.const(np.zeros((full_depth,) + tuple(part.shape[1:]), dtype=x.dtype.np))
        index = ctx.const(np.arange(depth, dtype=np.int64) * strides[0] + kd * dilations[0])
        out = F.index_put(out, (index,), part, accumulate=True)
    return F.permute(out, dims=(1, 2, 0, 3, 4))
