"""max_pool2d, avg_pool2d, adaptive_avg_pool2d, local_response_norm: compositions over im2row."""
from ...errors import ShapeError
from .. import api as F
from ..registry import OpDef, Sample, register
from ..sampling import randn
from .conv import pair
from ...core.grad_mode import is_grad_enabled
from .max_pool import max_pool2d_values, max_pool2d_windows


def _pool_geometry(x, kernel_size, stride, padding, dilation, ceil_mode, name):
    if x.ndim not in (3, 4):
        raise ShapeError(f"{name}: expected input (N, C, H, W) or (C, H, W), got shape {tuple(x.shape)}")
    (kh, kw) = pair(kernel_size, "kernel_size")
    (sh, sw) = pair(stride if stride not in (None, ()) else (kh, kw), "stride")
    (ph, pw), (dh, dw) = pair(padding, "padding"), pair(dilation, "dilation")
    if ph * 2 > kh or pw * 2 > kw:
        raise ShapeError(f"{name}: padding {(ph, pw)} must be at most half the kernel size {(kh, kw)}")
    h, w = x.shape[-2:]
    extra = []
    for size, k, s, p, d in ((h, kh, sh, ph, dh), (w, kw, sw, pw, dw)):
        span = size + 2 * p - d * (k - 1) - 1
        out = (-(-span // s) if ceil_mode else span // s) + 1
        if ceil_mode and (out - 1) * s >= size + p:  # the last window must start inside the input or left pad
            out -= 1
        extra.append((out - 1) * s + d * (k - 1) + 1 - (size + 2 * p))
    pads = (ph, ph + max(extra[0], 0), pw, pw + max(extra[1], 0))
    return (kh, kw), (sh, sw), pads, (dh, dw)


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


def _batched(fn):
    def wrapper(input, *args, **kwargs):
        if input.ndim == 3:
            out = fn(F.unsqueeze(input, 0), *args, **kwargs)
            return tuple(F.squeeze(o, 0) for o in out) if isinstance(out, tuple) else F.squeeze(out, 0)
        return fn(input, *args, **kwargs)
    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


@_batched
def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    kernel, stride, pads, dilation = _pool_geometry(input, kernel_size, stride, padding, dilation, ceil_mode,
                                                    "max_pool2d")
    if not return_indices and not (input.requires_grad and is_grad_enabled()):
        return max_pool2d_values(input, kernel, stride, pads, dilation)  # no gradient needed: skip the argmax
    values, arg = max_pool2d_windows(input, kernel, stride, pads, dilation)
    if not return_indices:
        return values
    return values, _flat_indices(F.to_dtype(arg, "int64"), input.shape, kernel, stride, pads, dilation)


def _flat_indices(arg, in_shape, kernel, stride, pads, dilation):
    """Window-local argmax -> index into the flattened H*W input plane (PyTorch's convention)."""
    n, c, oh, ow = arg.shape
    h, w = in_shape[-2:]
    oy = F.reshape(F.arange(oh, device=arg.device), (1, 1, oh, 1))
    ox = F.reshape(F.arange(ow, device=arg.device), (1, 1, 1, ow))
    y = oy * stride[0] - pads[0] + F.floor_divide(arg, kernel[1]) * dilation[0]
    x = ox * stride[1] - pads[2] + F.remainder(arg, kernel[1]) * dilation[1]
    return y * w + x


@_batched
def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    kernel, stride, pads, dilation = _pool_geometry(input, kernel_size, stride, padding, 1, ceil_mode, "avg_pool2d")
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


@_batched
def adaptive_avg_pool2d(input, output_size):
    h, w = input.shape[-2:]
    oh, ow = pair(output_size, "output_size")
    oh, ow = oh or h, ow or w
    if h % oh == 0 and w % ow == 0:
        return avg_pool2d(input, (h // oh, w // ow))
    cols = []
    for i in range(oh):
        y0, y1 = (i * h) // oh, -(-((i + 1) * h) // oh)
        row = [F.mean(F.getitem(input, (Ellipsis, slice(y0, y1), slice((j * w) // ow, -(-((j + 1) * w) // ow)))),
                      dim=(-2, -1)) for j in range(ow)]
        cols.append(F.stack(row, -1))
    return F.stack(cols, -2)


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """x / (k + alpha * mean of x^2 over `size` neighbouring channels) ** beta, as in PyTorch."""
    if input.ndim < 3:
        raise ShapeError(f"local_response_norm: expected at least 3 dims (N, C, ...), got {tuple(input.shape)}")
    n, c = input.shape[:2]
    sq = F.reshape(F.mul(input, input), (n, 1, c, -1))
    padded = F.pad(sq, (0, 0, size // 2, (size - 1) // 2))
    avg = F.reshape(avg_pool2d(padded, (size, 1), stride=1), tuple(input.shape))
    return F.div(input, F.pow(F.add(F.mul(avg, alpha), k), beta))


def _max_samples():
    return [Sample((randn(2, 3, 6, 6),), {"kernel_size": 2}),
            Sample((randn(1, 2, 7, 7),), {"kernel_size": 3, "stride": 2, "padding": 1}),
            Sample((randn(1, 2, 8, 7),), {"kernel_size": (3, 2), "stride": 2, "ceil_mode": True}),
            Sample((randn(1, 1, 9, 9),), {"kernel_size": 2, "dilation": 2}),
            Sample((randn(2, 2, 7, 6),), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True,
                                          "return_indices": True}),
            Sample((randn(1, 2, 6, 6),), {"kernel_size": 2, "return_indices": True})]


register(OpDef(name="max_pool2d", impl=max_pool2d, samples=_max_samples,
               torch_ref=lambda torch, x, **kw: torch.nn.functional.max_pool2d(x, **kw)))
register(OpDef(name="avg_pool2d", impl=avg_pool2d,
               samples=lambda: [Sample((randn(2, 3, 6, 6),), {"kernel_size": 2}),
                                Sample((randn(1, 2, 7, 7),), {"kernel_size": 3, "stride": 2, "padding": 1}),
                                Sample((randn(1, 2, 7, 7),), {"kernel_size": 3, "stride": 2, "padding": 1,
                                                              "count_include_pad": False}),
                                Sample((randn(1, 2, 8, 7),), {"kernel_size": 3, "stride": 2, "padding": 1,
                                                              "ceil_mode": True})],
               torch_ref=lambda torch, x, **kw: torch.nn.functional.avg_pool2d(x, **kw)))
register(OpDef(name="adaptive_avg_pool2d", impl=adaptive_avg_pool2d,
               samples=lambda: [Sample((randn(2, 3, 6, 6),), {"output_size": 3}),
                                Sample((randn(1, 2, 7, 5),), {"output_size": (3, 2)})],
               torch_ref=lambda torch, x, output_size: torch.nn.functional.adaptive_avg_pool2d(x, output_size)))
register(OpDef(name="local_response_norm", impl=local_response_norm,
               samples=lambda: [Sample((randn(2, 6, 3, 3),), {"size": 3}),
                                Sample((randn(1, 5, 4, 4),), {"size": 4, "alpha": 0.01, "beta": 0.5, "k": 2.0})],
               torch_ref=lambda torch, x, **kw: torch.nn.functional.local_response_norm(x, **kw)))
