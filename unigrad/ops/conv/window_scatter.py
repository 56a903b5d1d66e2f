"""window_scatter and window_select: the pair of ops that move values between an image and its
pooling windows by the window-local argmax of max_pool2d_windows. window_scatter is max
pooling's gradient; each is the other's gradient, so max pooling has a gradient of its gradient."""
import numpy as np

from ..dispatch import dispatch
from ..registry import Compiled, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec
from .common import window_attrs
from .pool_windows import GEOMS, argmax_ref, offsets, padded, pooled_size


def _arg_sample(seed, shape, g):
    vals, arg = argmax_ref(np, randn(*shape, seed=seed), **g)
    return arg.astype(np.int8)


# ---- window_scatter: each window's value to its argmax position ------------------------------
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
    for k, rows, cols in offsets(kernel, stride, dilation, oh, ow):
        xp.equal(arg, k, out=hit)
        if overlapping:
            out[:, :, rows, cols] += g * hit
        else:  # each input position belongs to one window: write g * hit straight into it
            xp.multiply(g, hit, out=out[:, :, rows, cols])
    return out[:, :, pads[0]:pads[0] + h, pads[2]:pads[2] + w]


def _scatter_backward(ctx, gg):
    g, arg = ctx.inputs
    return window_select(gg, arg, **window_attrs(ctx.attrs)), None


def _scatter_infer(g, arg, shape, **geo):
    return Spec(shape, g.dtype)


def _torch_scatter(torch, g, arg, shape, kernel, stride, pads, dilation):
    n, c, h, w = shape
    out = torch.zeros((n, c, h + pads[0] + pads[1], w + pads[2] + pads[3]), dtype=g.dtype)
    oh, ow = g.shape[-2:]
    for k, rows, cols in offsets(kernel, stride, dilation, oh, ow):
        out[:, :, rows, cols] += torch.where(arg == k, g, torch.zeros_like(g))
    return out[:, :, pads[0]:pads[0] + h, pads[2]:pads[2] + w]


window_scatter_op = OpDef(
    name="window_scatter", forward=_window_scatter_forward, backward=_scatter_backward, infer=_scatter_infer,
    nondiff_inputs=(1,), saves_inputs=False,
    compiled=Compiled(fresh=True), variants=Variants(),
    samples=lambda: [Sample((randn(2, 3, *pooled_size((6, 7), **g), seed=i), _arg_sample(i, (2, 3, 6, 7), g)),
                            {"shape": (2, 3, 6, 7), **g}) for i, g in enumerate(GEOMS)],
    torch_ref=_torch_scatter, reference=_window_scatter_forward)


def window_scatter(g, arg, shape, kernel, stride, pads, dilation):
    """Max pooling's gradient: each window's value of g added at the input position its
    window-local argmax points at, in an image of `shape` (zero where no argmax points).

    Args:
        g: (N, C, OH, OW), a gradient of the pooled values.
        arg: (N, C, OH, OW), the window-local argmax from ``ug.max_pool2d_windows``.
        shape: the input image's (N, C, H, W).
        kernel, stride, dilation: (h, w) pairs; pads: (top, bottom, left, right).

    Example::

        >>> x = ug.tensor([[[[1.0, 5.0, 2.0, 0.0],
        ...                  [3.0, 4.0, 8.0, 1.0]]]])
        >>> _, arg = ug.max_pool2d_windows(x, (2, 2), (2, 2), (0, 0, 0, 0), (1, 1))
        >>> ug.window_scatter(ug.tensor([[[[10.0, 20.0]]]]), arg, (1, 1, 2, 4), (2, 2), (2, 2), (0, 0, 0, 0), (1, 1))
        tensor([[[[ 0., 10.,  0.,  0.],
                  [ 0.,  0., 20.,  0.]]]])
    """
    return dispatch(window_scatter_op, (g, arg), {"shape": tuple(shape), "kernel": kernel, "stride": stride,
                                                  "pads": pads, "dilation": dilation})


register(window_scatter_op, public=window_scatter)


# ---- window_select: each window's argmax element -------------------------------------------
def _window_select_forward(xp, x, arg, kernel, stride, pads, dilation):
    """Pick, per window, the element its argmax points at (the adjoint of window_scatter)."""
    oh, ow = arg.shape[-2:]
    xpad = padded(xp, x, pads, 0)
    out = xp.zeros(arg.shape, dtype=x.dtype)
    for k, rows, cols in offsets(kernel, stride, dilation, oh, ow):
        xp.copyto(out, xpad[:, :, rows, cols], where=(arg == k))
    return out


def _select_backward(ctx, g):
    x, arg = ctx.inputs
    return window_scatter(g, arg, tuple(x.shape), **window_attrs(ctx.attrs)), None


def _select_infer(x, arg, **geo):
    return Spec(arg.shape, x.dtype)


def _torch_select(torch, x, arg, kernel, stride, pads, dilation):
    xpad = torch.nn.functional.pad(x, (pads[2], pads[3], pads[0], pads[1]))
    out = torch.zeros(arg.shape, dtype=x.dtype)
    for k, rows, cols in offsets(kernel, stride, dilation, *arg.shape[-2:]):
        out = torch.where(arg == k, xpad[:, :, rows, cols], out)
    return out


window_select_op = OpDef(
    name="window_select", forward=_window_select_forward, backward=_select_backward, infer=_select_infer,
    nondiff_inputs=(1,), saves_inputs=False, variants=Variants(),
    samples=lambda: [Sample((randn(2, 3, 6, 7, seed=i + 5), _arg_sample(i, (2, 3, 6, 7), g)), g)
                     for i, g in enumerate(GEOMS)],
    torch_ref=_torch_select, reference=_window_select_forward)


def window_select(x, arg, kernel, stride, pads, dilation):
    """The adjoint of window_scatter: per window of x, the element its window-local argmax
    points at (padding reads as 0), shaped like arg.

    Args:
        x: (N, C, H, W).
        arg: (N, C, OH, OW), the window-local argmax from ``ug.max_pool2d_windows``.
        kernel, stride, dilation: (h, w) pairs; pads: (top, bottom, left, right).

    Example::

        >>> x = ug.tensor([[[[1.0, 5.0, 2.0, 0.0],
        ...                  [3.0, 4.0, 8.0, 1.0]]]])
        >>> _, arg = ug.max_pool2d_windows(x, (2, 2), (2, 2), (0, 0, 0, 0), (1, 1))
        >>> ug.window_select(x * 10, arg, (2, 2), (2, 2), (0, 0, 0, 0), (1, 1))
        tensor([[[[50., 80.]]]])
    """
    return dispatch(window_select_op, (x, arg), {"kernel": kernel, "stride": stride, "pads": pads,
                                                 "dilation": dilation})


register(window_select_op, public=window_select)
