"""avg_pool2d: PyTorch's average pooling, a mean over reshaped tiles or a sum over im2col's
columns divided by each window's count."""
from .. import api as F
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from .common import batched, pair, pool_geometry


def _windows(x, kernel, stride, pads, dilation):
    """(kh*kw, N*C*OH*OW) windows of x and the output shape (N, C, OH, OW)."""
    n, c, h, w = x.shape
    cols = F.im2col(F.reshape(x, (n * c, 1, h, w)), kernel, stride, pads, dilation)
    oh = (h + pads[0] + pads[1] - dilation[0] * (kernel[0] - 1) - 1) // stride[0] + 1
    ow = (w + pads[2] + pads[3] - dilation[1] * (kernel[1] - 1) - 1) // stride[1] + 1
    return cols, (n, c, oh, ow)


def _tiles(x, k):
    """Non-overlapping k x k windows as dims 3 and 5 of (N, C, OH, kh, OW, kw): a reshape."""
    n, c, h, w = x.shape
    return F.reshape(x, (n, c, h // k[0], k[0], w // k[1], k[1]))


def _is_tiling(x, kernel, stride, pads, dilation):
    return (kernel == stride and not any(pads) and dilation == (1, 1)
            and x.shape[2] % kernel[0] == 0 and x.shape[3] % kernel[1] == 0)


def _window_counts(x, kernel, stride, pads, padding, count_include_pad, shape):
    """How many elements each window averages: real input, plus explicit padding if counted."""
    n, c, h, w = x.shape
    ph, pw = pair(padding)
    if count_include_pad:
        ones = F.ones((1, 1, h + 2 * ph, w + 2 * pw), dtype=x.dtype, device=x.device)
        inner = (0, pads[1] - ph, 0, pads[3] - pw)
    else:
        ones = F.ones((1, 1, h, w), dtype=x.dtype, device=x.device)
        inner = pads
    counts = F.sum(F.im2col(ones, kernel, stride, inner, (1, 1)), dim=0)  # (oh*ow), n = 1
    return F.reshape(counts, (1, 1) + tuple(shape[2:]))


def _avg_pool2d(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    kernel, stride, pads, dilation = pool_geometry(input, kernel_size, stride, padding, 1, ceil_mode, "avg_pool2d")
    if _is_tiling(input, kernel, stride, pads, dilation) and divisor_override is None:
        return F.mean(_tiles(input, kernel), dim=(3, 5))
    cols, shape = _windows(input, kernel, stride, pads, dilation)
    n, c, oh, ow = shape  # columns run (oh, ow, n*c)
    total = F.permute(F.reshape(F.sum(cols, dim=0), (oh, ow, n, c)), (2, 3, 0, 1))
    if divisor_override is not None:
        return F.div(total, float(divisor_override))
    if not any(pads):
        return F.div(total, float(kernel[0] * kernel[1]))
    return F.div(total, _window_counts(input, kernel, stride, pads, padding, count_include_pad, shape))


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """2-D average pooling (PyTorch's ``avg_pool2d``): the mean of each kernel_size window.

    Args:
        input: (N, C, H, W) or (C, H, W).
        kernel_size: an int or an (h, w) pair.
        stride: an int or an (h, w) pair; None (the default) is kernel_size.
        padding: an int or an (h, w) pair of zero padding on both sides, at most half the kernel.
        ceil_mode: round the output size up, so windows may run past the bottom/right edge.
        count_include_pad: whether the zero padding counts in each window's divisor (what
            ceil_mode adds never does).
        divisor_override: divide every window's sum by this instead.

    Returns:
        (N, C, OH, OW), OH = (H + 2 * ph - kh) // stride_h + 1 (rounded up with ceil_mode) and likewise OW.

    Example::

        >>> ug.avg_pool2d(ug.arange(16.0).reshape(1, 1, 4, 4), 2)
        tensor([[[[ 2.5,  4.5],
                  [10.5, 12.5]]]])
        >>> ug.avg_pool2d(ug.ones(1, 1, 3, 3), 3, stride=1, padding=1)
        tensor([[[[0.4444, 0.6667, 0.4444],
                  [0.6667, 1.    , 0.6667],
                  [0.4444, 0.6667, 0.4444]]]])
    """
    return batched(_avg_pool2d, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


register(OpDef(name="avg_pool2d", impl=avg_pool2d, variants=Variants(functional=True),
               onnx=Onnx(emit=lambda e, **a: e.avg_pool(**a)),
               samples=lambda: [Sample((randn(2, 3, 6, 6),), {"kernel_size": 2}),
                                Sample((randn(1, 2, 7, 7),), {"kernel_size": 3, "stride": 2, "padding": 1}),
                                Sample((randn(1, 2, 7, 7),), {"kernel_size": 3, "stride": 2, "padding": 1,
                                                              "count_include_pad": False}),
                                Sample((randn(1, 2, 8, 7),), {"kernel_size": 3, "stride": 2, "padding": 1,
                                                              "ceil_mode": True})],
               torch_ref=lambda torch, x, **kw: torch.nn.functional.avg_pool2d(x, **kw)))
