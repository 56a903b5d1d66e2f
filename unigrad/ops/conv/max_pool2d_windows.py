"""max_pool2d_windows and max_pool2d_values: max pooling as primitives, a running max over the
kh*kw window offsets (strided views, no im2row copy). max_pool2d_windows also gives the
window-local argmax as a second output, which its gradient routes through (window_scatter);
max_pool2d_values is the inference form without it, with a tiled kernel for small images."""
import numpy as np

from ...backend import dtypes as _dt
from .. import api as F
from ..dispatch import dispatch
from ..registry import BuildOut, Compiled, Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec
from .common import window_attrs
from .pool_windows import GEOMS, argmax_ref, offsets, padded, pooled_size


# ---- max_pool2d_windows: values and argmax -------------------------------------------------
def _max_pool_forward(xp, x, kernel, stride, pads, dilation):
    oh, ow = pooled_size(x.shape, kernel, stride, pads, dilation)
    xpad = padded(xp, x, pads, -np.inf)
    # masked copies (copyto where=) are ~8x slower than plain ufuncs, so the argmax is updated
    # arithmetically: arg += (k - arg) * better
    index_type = xp.int8 if kernel[0] * kernel[1] < 128 else xp.int32
    best = arg = better = step = None
    for k, rows, cols in offsets(kernel, stride, dilation, oh, ow):
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


def _max_pool_backward(ctx, g, _g_arg=None):
    x = ctx.inputs[0]
    arg = ctx.output(1)
    return (F.window_scatter(g, arg, tuple(x.shape), **window_attrs(ctx.attrs)),)


def _max_pool_infer(x, kernel, stride, pads, dilation):
    oh, ow = pooled_size(x.shape, kernel, stride, pads, dilation)
    shape = tuple(x.shape[:2]) + (oh, ow)
    return Spec(shape, x.dtype), Spec(shape, _dt.int8 if kernel[0] * kernel[1] < 128 else _dt.int32)


def _torch_pool(torch, x, kernel, stride, pads, dilation):
    padded = torch.nn.functional.pad(x, (pads[2], pads[3], pads[0], pads[1]), value=float("-inf"))
    values, flat = torch.nn.functional.max_pool2d(padded, kernel, stride, 0, dilation, return_indices=True)
    w = padded.shape[-1]
    y, xx = flat // w, flat % w
    oy = torch.arange(values.shape[-2]).reshape(-1, 1) * stride[0]
    ox = torch.arange(values.shape[-1]).reshape(1, -1) * stride[1]
    local = ((y - oy) // dilation[0]) * kernel[1] + (xx - ox) // dilation[1]
    return values, local


max_pool2d_windows_op = OpDef(
    name="max_pool2d_windows", forward=_max_pool_forward, backward=_max_pool_backward, infer=_max_pool_infer,
    n_outputs=2, saves_outputs=True, saves_inputs=False,
    variants=Variants(),
    samples=lambda: [Sample((randn(2, 3, 6, 7, seed=i),), g) for i, g in enumerate(GEOMS)],
    torch_ref=_torch_pool, reference=argmax_ref)


def max_pool2d_windows(x, kernel, stride, pads, dilation):
    """(values, window-local argmax) of max pooling with explicit (top, bottom, left, right) pads.

    The argmax of each window counts row-major inside the window (0 to kh*kw - 1; int8 below
    128 window elements, else int32); padding is -inf, and the first maximum wins, as in PyTorch.
    ``ug.max_pool2d`` is the PyTorch-style function over it.

    Args:
        x: (N, C, H, W).
        kernel, stride, dilation: (h, w) pairs.
        pads: (top, bottom, left, right).

    Returns:
        values and argmax, both (N, C, OH, OW).

    Example::

        >>> x = ug.tensor([[[[1.0, 5.0, 2.0, 0.0],
        ...                  [3.0, 4.0, 8.0, 1.0]]]])
        >>> values, arg = ug.max_pool2d_windows(x, (2, 2), (2, 2), (0, 0, 0, 0), (1, 1))
        >>> values
        tensor([[[[5., 8.]]]])
        >>> arg
        tensor([[[[1, 2]]]], dtype=unigrad.int8)
    """
    return dispatch(max_pool2d_windows_op, (x,), {"kernel": tuple(kernel), "stride": tuple(stride),
                                                  "pads": tuple(pads), "dilation": tuple(dilation)})


register(max_pool2d_windows_op, public=max_pool2d_windows)


# ---- max_pool2d_values: values only, for inference -----------------------------------------
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


def _max_values_forward(xp, x, kernel, stride, pads, dilation):
    """Max over each window without the argmax: for inference, a running maximum."""
    oh, ow = pooled_size(x.shape, kernel, stride, pads, dilation)
    if x.size < TILED_BELOW and _tiles_chwn(x, kernel, stride, pads, dilation):
        return _tiled_max(xp, x, kernel)
    xpad = padded(xp, x, pads, -np.inf)
    best = None
    for k, rows, cols in offsets(kernel, stride, dilation, oh, ow):
        view = xpad[:, :, rows, cols]
        if best is None:
            best = view.copy(order="K")
        else:
            xp.maximum(best, view, out=best)
    return best


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


def _max_values_backward(ctx, g):
    x = ctx.inputs[0]
    geo = window_attrs(ctx.attrs)
    _, arg = dispatch(max_pool2d_windows_op, (x.detach(),), geo)
    return (F.window_scatter(g, arg, tuple(x.shape), **geo),)


def _max_values_infer(x, **geo):
    return _max_pool_infer(x, **geo)[0]


max_pool2d_values_op = OpDef(
    name="max_pool2d_values", forward=_max_values_forward, backward=_max_values_backward, infer=_max_values_infer,
    onnx=Onnx(emit=lambda e, x, kernel, stride, pads, dilation: e.max_pool_values(x, kernel, stride, pads, dilation)),
    compiled=Compiled(out=BuildOut(lambda inputs, attrs, out: max_values_into_kernel(
        inputs[0].shape, inputs[0].dtype.np, out, **attrs)), fresh=True),
    variants=Variants(),
    samples=lambda: [Sample((randn(2, 3, 6, 7, seed=i),), g) for i, g in enumerate(GEOMS)]
    + [Sample((randn(1, 3, 6, 9, seed=7),), dict(kernel=(2, 3), stride=(2, 3), pads=(0, 0, 0, 0), dilation=(1, 1)))],
    torch_ref=lambda torch, x, **geo: _torch_pool(torch, x, **geo)[0],
    reference=lambda np, x, **geo: argmax_ref(np, x, **geo)[0])


def max_pool2d_values(x, kernel, stride, pads, dilation):
    """The values of max_pool2d_windows without the argmax: what ``ug.max_pool2d`` runs when no
    gradient is needed. Its gradient recomputes the argmax.

    Args:
        x: (N, C, H, W).
        kernel, stride, dilation: (h, w) pairs.
        pads: (top, bottom, left, right), padding with -inf.

    Example::

        >>> x = ug.tensor([[[[1.0, 5.0, 2.0, 0.0],
        ...                  [3.0, 4.0, 8.0, 1.0]]]])
        >>> ug.max_pool2d_values(x, (2, 2), (2, 2), (0, 0, 0, 0), (1, 1))
        tensor([[[[5., 8.]]]])
    """
    return dispatch(max_pool2d_values_op, (x,), {"kernel": tuple(kernel), "stride": tuple(stride),
                                                 "pads": tuple(pads), "dilation": tuple(dilation)})


register(max_pool2d_values_op, public=max_pool2d_values)
