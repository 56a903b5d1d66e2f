"""max_pool2d as primitives: a running max over the kh*kw window offsets (strided views, no
im2row copy), the window-local argmax as a second output, and the pair of ops that move values
between an image and its windows (each the other's gradient, so grad-of-grad works)."""
import numpy as np

from ..dispatch import dispatch
from ..registry import BuildOut, Compiled, OpDef, Sample, register
from ..sampling import randn
from ..spec import Spec
from .im2col import out_size


def _geometry(shape, kernel, stride, pads, dilation):
    h, w = shape[-2:]
    oh = out_size(h, kernel[0], stride[0], pads[0], pads[1], dilation[0])
    ow = out_size(w, kernel[1], stride[1], pads[2], pads[3], dilation[1])
    return oh, ow


def _offsets(kernel, stride, dilation, oh, ow):
    """Per window offset k: (k, slice rows, slice cols) into the padded image."""
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            yield (i * kernel[1] + j, slice(i * dilation[0], i * dilation[0] + stride[0] * (oh - 1) + 1, stride[0]),
                   slice(j * dilation[1], j * dilation[1] + stride[1] * (ow - 1) + 1, stride[1]))


def _padded(xp, x, pads, value):
    if not any(pads):
        return x
    return xp.pad(x, ((0, 0), (0, 0), (pads[0], pads[1]), (pads[2], pads[3])), constant_values=value)


def _max_pool_forward(xp, x, kernel, stride, pads, dilation):
    oh, ow = _geometry(x.shape, kernel, stride, pads, dilation)
    xpad = _padded(xp, x, pads, -np.inf)
    # masked copies (copyto where=) are ~8x slower than plain ufuncs, so the argmax is updated
    # arithmetically: arg += (k - arg) * better
    index_type = xp.int8 if kernel[0] * kernel[1] < 128 else xp.int32
    best = arg = better = step = None
    for k, rows, cols in _offsets(kernel, stride, dilation, oh, ow):
        view = xpad[:, :, rows, cols]
        if best is None:
            best = view.copy(order="K")  # keep the input's memory order (conv outputs are channel-major)
            arg = xp.zeros_like(best, dtype=index_type)
            better = xp.empty_like(best, dtype=bool)
            step = xp.empty_like(arg)
            continue
        xp.greater(view, best, out=better)  # strict: the first maximum wins, as in PyTorch
        xp.maximum(best, view, out=best)
        xp.subtract(index_type(k), arg, out=step)
        xp.multiply(step, better, out=step)
        xp.add(arg, step, out=arg)
    return best, arg


# Below this many elements the per-call cost of a ufunc over short strided rows dominates:
# tiled pooling makes kh + kw - 2 calls over long contiguous runs instead of kh * kw calls over
# runs of OW (LeNet batch 1: 14 -> 9 and 11 -> 6 µs; at batch 64 the current loop is faster).
TILED_BELOW = 32768


def _tiles_chwn(x, kernel, stride, pads, dilation):
    """Windows that tile x exactly (stride = kernel, no padding or dilation, no remainder) over
    CHWN memory (a convolution's output; any NCHW image of batch 1)."""
    return (tuple(kernel) == tuple(stride) and not any(pads) and tuple(dilation) == (1, 1)
            and min(kernel) > 1 and x.shape[2] % kernel[0] == 0 and x.shape[3] % kernel[1] == 0
            and x.transpose(1, 2, 3, 0).flags.c_contiguous)


def _tiled_max(xp, x, kernel, rows_buffer=None, target=None):
    """Max over tiling windows: first across the kh rows of each window (contiguous runs of
    W*N), then across the kw columns (runs of N). Writes into rows_buffer (C*OH, W*N) and
    target (C*OH*OW, N), a view of the caller's output, when given."""
    n, c, h, w = x.shape
    kh, kw = kernel
    oh, ow = h // kh, w // kw
    rows = x.transpose(1, 2, 3, 0).reshape(c * oh, kh, w * n)
    best_rows = xp.maximum(rows[:, 0], rows[:, 1], out=rows_buffer)
    for i in range(2, kh):
        xp.maximum(best_rows, rows[:, i], out=best_rows)
    cols = best_rows.reshape(c * oh * ow, kw, n)
    best = xp.maximum(cols[:, 0], cols[:, 1], out=target)
    for j in range(2, kw):
        xp.maximum(best, cols[:, j], out=best)
    return best.reshape(c, oh, ow, n).transpose(3, 0, 1, 2)  # NCHW over CHWN memory, like the input


def max_values_into_kernel(shape, dtype, out, kernel, stride, pads, dilation):
    """A NumPy kernel x -> max pooling values written into `out`, for one image (batch 1) whose
    windows tile it (see _tiles_chwn), with its scratch row buffer allocated once; None when
    the geometry is not of that kind (and True, without building anything, when out is None)."""
    n, c, h, w = shape
    if n != 1 or tuple(kernel) != tuple(stride) or any(pads) or tuple(dilation) != (1, 1) or min(kernel) < 2 \
            or h % kernel[0] or w % kernel[1]:
        return None
    if out is None:
        return True
    rows_buffer = np.empty((c * (h // kernel[0]), w), dtype)
    target = out.reshape(-1, 1)  # (C*OH*OW, N) for N = 1

    def kernel_fn(x):
        if x.shape != shape or not x.flags.c_contiguous:
            np.copyto(out, _max_values_forward(np, x, kernel, stride, pads, dilation))
        else:
            _tiled_max(np, x, kernel, rows_buffer, target)
        return out
    return kernel_fn


def _max_values_forward(xp, x, kernel, stride, pads, dilation):
    """Max over each window without the argmax: for inference, a running maximum."""
    oh, ow = _geometry(x.shape, kernel, stride, pads, dilation)
    if x.size < TILED_BELOW and _tiles_chwn(x, kernel, stride, pads, dilation):
        return _tiled_max(xp, x, kernel)
    xpad = _padded(xp, x, pads, -np.inf)
    best = None
    for k, rows, cols in _offsets(kernel, stride, dilation, oh, ow):
        view = xpad[:, :, rows, cols]
        if best is None:
            best = view.copy(order="K")
        else:
            xp.maximum(best, view, out=best)
    return best


def _max_values_backward(ctx, g):
    x = ctx.inputs[0]
    geo = _geo(ctx.attrs)
    _, arg = dispatch(max_pool2d_op, (x.detach(),), geo)
    return (window_scatter(g, arg, tuple(x.shape), **geo),)


def _window_scatter_forward(xp, g, arg, shape, kernel, stride, pads, dilation):
    """Add each window's gradient to the position its argmax points at."""
    n, c, h, w = shape
    oh, ow = g.shape[-2:]
    # work in arg's memory order (the forward's, CHWN after a convolution): g is copied into it
    # when it arrives in another (e.g. NCHW from a Flatten), so every pass below walks all three
    # arrays in the same order, and the result comes out in the order the convolution's
    # backward reads without a copy
    order = sorted(range(4), key=lambda a: -arg.strides[a])
    back = [order.index(a) for a in range(4)]
    if not g.transpose(order).flags.c_contiguous:
        g = xp.ascontiguousarray(g.transpose(order)).transpose(back)
    full = (n, c, h + pads[0] + pads[1], w + pads[2] + pads[3])
    overlapping = stride[0] < (kernel[0] - 1) * dilation[0] + 1 or stride[1] < (kernel[1] - 1) * dilation[1] + 1
    tiling = (tuple(kernel) == tuple(stride) and tuple(dilation) == (1, 1)
              and full[2] == oh * kernel[0] and full[3] == ow * kernel[1])
    alloc = xp.empty if tiling else xp.zeros  # windows that tile the image write every element
    out = alloc(tuple(full[a] for a in order), dtype=g.dtype).transpose(back)
    hit = xp.empty_like(arg, dtype=bool)
    for k, rows, cols in _offsets(kernel, stride, dilation, oh, ow):
        xp.equal(arg, k, out=hit)
        if overlapping:
            out[:, :, rows, cols] += g * hit
        else:  # each input position belongs to one window: write g * hit straight into it
            xp.multiply(g, hit, out=out[:, :, rows, cols])
    return out[:, :, pads[0]:pads[0] + h, pads[2]:pads[2] + w]


def _window_select_forward(xp, x, arg, kernel, stride, pads, dilation):
    """Pick, per window, the element its argmax points at (the adjoint of window_scatter)."""
    oh, ow = arg.shape[-2:]
    xpad = _padded(xp, x, pads, 0)
    out = xp.zeros(arg.shape, dtype=x.dtype)
    for k, rows, cols in _offsets(kernel, stride, dilation, oh, ow):
        xp.copyto(out, xpad[:, :, rows, cols], where=(arg == k))
    return out


def _geo(attrs):
    return {k: attrs[k] for k in ("kernel", "stride", "pads", "dilation")}


def _max_pool_backward(ctx, g, _g_arg=None):
    x = ctx.inputs[0]
    arg = ctx.output(1)
    return (window_scatter(g, arg, tuple(x.shape), **_geo(ctx.attrs)),)


def window_scatter(g, arg, shape, kernel, stride, pads, dilation):
    return dispatch(window_scatter_op, (g, arg), {"shape": tuple(shape), "kernel": kernel, "stride": stride,
                                                  "pads": pads, "dilation": dilation})


def window_select(x, arg, kernel, stride, pads, dilation):
    return dispatch(window_select_op, (x, arg), {"kernel": kernel, "stride": stride, "pads": pads,
                                                 "dilation": dilation})


def _max_pool_infer(x, kernel, stride, pads, dilation):
    oh, ow = _geometry(x.shape, kernel, stride, pads, dilation)
    from ...backend import dtypes as _dt
    shape = tuple(x.shape[:2]) + (oh, ow)
    return Spec(shape, x.dtype), Spec(shape, _dt.int8 if kernel[0] * kernel[1] < 128 else _dt.int32)


def _argmax_ref(np, x, kernel, stride, pads, dilation):
    """Reference: windows through sliding_window_view, argmax per window."""
    xpad = _padded(np, x, pads, -np.inf)
    win = np.lib.stride_tricks.sliding_window_view(
        xpad, ((kernel[0] - 1) * dilation[0] + 1, (kernel[1] - 1) * dilation[1] + 1), axis=(2, 3))
    win = win[:, :, ::stride[0], ::stride[1], ::dilation[0], ::dilation[1]]
    flat = win.reshape(win.shape[:4] + (-1,))
    arg = flat.argmax(-1)
    return np.take_along_axis(flat, arg[..., None], -1)[..., 0], arg


def _torch_pool(torch, x, kernel, stride, pads, dilation):
    padded = torch.nn.functional.pad(x, (pads[2], pads[3], pads[0], pads[1]), value=float("-inf"))
    values, flat = torch.nn.functional.max_pool2d(padded, kernel, stride, 0, dilation, return_indices=True)
    w = padded.shape[-1]
    y, xx = flat // w, flat % w
    oy = torch.arange(values.shape[-2]).reshape(-1, 1) * stride[0]
    ox = torch.arange(values.shape[-1]).reshape(1, -1) * stride[1]
    local = ((y - oy) // dilation[0]) * kernel[1] + (xx - ox) // dilation[1]
    return values, local


_GEOMS = [dict(kernel=(2, 2), stride=(2, 2), pads=(0, 0, 0, 0), dilation=(1, 1)),
          dict(kernel=(3, 3), stride=(2, 2), pads=(1, 1, 1, 2), dilation=(1, 1)),
          dict(kernel=(2, 3), stride=(1, 2), pads=(0, 0, 1, 1), dilation=(2, 1))]

max_pool2d_op = register(OpDef(
    name="max_pool2d_windows", forward=_max_pool_forward, backward=_max_pool_backward, n_outputs=2,
    saves_outputs=True, saves_inputs=False, infer=_max_pool_infer,
    samples=lambda: [Sample((randn(2, 3, 6, 7, seed=i),), g) for i, g in enumerate(_GEOMS)],
    torch_ref=_torch_pool, reference=_argmax_ref,
    doc="Max over pooling windows; second output is the window-local argmax (row-major in the window)."))


max_pool2d_values_op = register(OpDef(
    name="max_pool2d_values", forward=_max_values_forward, backward=_max_values_backward,
    compiled=Compiled(out=BuildOut(lambda inputs, attrs, out: max_values_into_kernel(
        inputs[0].shape, inputs[0].dtype.np, out, **attrs)), fresh=True),
    infer=lambda x, **geo: _max_pool_infer(x, **geo)[0],
    samples=lambda: [Sample((randn(2, 3, 6, 7, seed=i),), g) for i, g in enumerate(_GEOMS)]
    + [Sample((randn(1, 3, 6, 9, seed=7),), dict(kernel=(2, 3), stride=(2, 3), pads=(0, 0, 0, 0), dilation=(1, 1)))],
    torch_ref=lambda torch, x, **geo: _torch_pool(torch, x, **geo)[0],
    reference=lambda np, x, **geo: _argmax_ref(np, x, **geo)[0],
    doc="Max pooling values only (inference); its gradient recomputes the argmax."))


def _scatter_backward(ctx, gg):
    g, arg = ctx.inputs
    return window_select(gg, arg, **_geo(ctx.attrs)), None


def _select_backward(ctx, g):
    x, arg = ctx.inputs
    return window_scatter(g, arg, tuple(x.shape), **_geo(ctx.attrs)), None


def _arg_sample(seed, shape, g):
    vals, arg = _argmax_ref(np, randn(*shape, seed=seed), **g)
    return arg.astype(np.int8)


def _torch_scatter(torch, g, arg, shape, kernel, stride, pads, dilation):
    n, c, h, w = shape
    out = torch.zeros((n, c, h + pads[0] + pads[1], w + pads[2] + pads[3]), dtype=g.dtype)
    oh, ow = g.shape[-2:]
    for k, rows, cols in _offsets(kernel, stride, dilation, oh, ow):
        out[:, :, rows, cols] += torch.where(arg == k, g, torch.zeros_like(g))
    return out[:, :, pads[0]:pads[0] + h, pads[2]:pads[2] + w]


def _torch_select(torch, x, arg, kernel, stride, pads, dilation):
    xpad = torch.nn.functional.pad(x, (pads[2], pads[3], pads[0], pads[1]))
    out = torch.zeros(arg.shape, dtype=x.dtype)
    for k, rows, cols in _offsets(kernel, stride, dilation, *arg.shape[-2:]):
        out = torch.where(arg == k, xpad[:, :, rows, cols], out)
    return out


window_scatter_op = register(OpDef(
    name="window_scatter", forward=_window_scatter_forward, backward=_scatter_backward, nondiff_inputs=(1,),
    compiled=Compiled(fresh=True),
    saves_inputs=False, infer=lambda g, arg, shape, **geo: Spec(shape, g.dtype),
    samples=lambda: [Sample((randn(2, 3, *_geometry((6, 7), **g), seed=i), _arg_sample(i, (2, 3, 6, 7), g)),
                            {"shape": (2, 3, 6, 7), **g}) for i, g in enumerate(_GEOMS)],
    torch_ref=_torch_scatter, reference=_window_scatter_forward,
    doc="Gradient of max pooling: route each window's gradient to its argmax."))
window_select_op = register(OpDef(
    name="window_select", forward=_window_select_forward, backward=_select_backward, nondiff_inputs=(1,),
    saves_inputs=False, infer=lambda x, arg, **geo: Spec(arg.shape, x.dtype),
    samples=lambda: [Sample((randn(2, 3, 6, 7, seed=i + 5), _arg_sample(i, (2, 3, 6, 7), g)), g)
                     for i, g in enumerate(_GEOMS)],
    torch_ref=_torch_select, reference=_window_select_forward,
    doc="Pick each window's argmax element (adjoint of window_scatter)."))
def max_pool2d_windows(x, kernel, stride, pads, dilation):
    """(values, window-local argmax) of max pooling with explicit (top, bottom, left, right) pads."""
    return dispatch(max_pool2d_op, (x,), {"kernel": tuple(kernel), "stride": tuple(stride), "pads": tuple(pads),
                                          "dilation": tuple(dilation)})


def max_pool2d_values(x, kernel, stride, pads, dilation):
    return dispatch(max_pool2d_values_op, (x,), {"kernel": tuple(kernel), "stride": tuple(stride),
                                                 "pads": tuple(pads), "dilation": tuple(dilation)})


max_pool2d_values_op.public = max_pool2d_values


max_pool2d_op.public = max_pool2d_windows
window_scatter_op.public = window_scatter
window_select_op.public = window_select
