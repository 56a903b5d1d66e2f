"""max_pool3d: 3-D max pooling as max_pool2d over the depth slices each window meets, then the
elementwise maximum over the window's depth (a max of maxes). With ceil_mode or return_indices
it takes every window whole instead (Tensor.unfold over the three dims) and picks each one's
first maximum, which also gives PyTorch's index into the flattened D * H * W input."""
import math

import numpy as np

from ...core.tensor import tensor as _tensor
from ...errors import ShapeError
from .. import api as F
from ..movement.unfold_windows import unfold_windows
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from .common import out_size, triple
from .conv3d import depth_slices


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """3-D max pooling (PyTorch's ``max_pool3d``): the maximum of each kernel_size window of an
    (N, C, D, H, W) input (or an unbatched (C, D, H, W) one).

    Args:
        kernel_size: an int or a (d, h, w) triple.
        stride: likewise; None (the default) is kernel_size.
        padding: -inf padding on both sides, at most half the kernel.
        dilation: spacing between window elements.
        ceil_mode: the output sizes round up (a last window may hang over the end; it must start
            inside the input or its left padding), as in PyTorch.
        return_indices: also return, per output, where its maximum was in the flattened
            D * H * W input (int64), for MaxUnpool3d-style uses.

    Example::

        >>> x = ug.arange(8.0).reshape(1, 1, 2, 2, 2)
        >>> ug.max_pool3d(x, 2)
        tensor([[[[[7.]]]]])
    """
    if input.ndim == 4:
        out = max_pool3d(F.unsqueeze(input, 0), kernel_size, stride, padding, dilation, ceil_mode, return_indices)
        return tuple(F.squeeze(o, 0) for o in out) if return_indices else F.squeeze(out, 0)
    if input.ndim != 5:
        raise ShapeError(f"max_pool3d: expected input (N, C, D, H, W), got {tuple(input.shape)}")
    k = triple(kernel_size, "kernel_size")
    s = k if stride is None or (not isinstance(stride, int) and len(tuple(stride)) == 0) else triple(stride, "stride")
    p, d = triple(padding, "padding"), triple(dilation, "dilation")
    if any(2 * pi > ki for pi, ki in zip(p, k)):
        raise ShapeError(f"max_pool3d: padding {p} must be at most half the kernel {k}")
    if ceil_mode or return_indices:
        return _windowed(input, k, s, p, d, ceil_mode, return_indices)
    n, c = input.shape[:2]
    if p[0]:
        input = F.pad(input, (0, 0, 0, 0, p[0], p[0]), value=-math.inf)
    depth_out = out_size(input.shape[2], k[0], s[0], 0, 0, d[0])
    if depth_out <= 0:
        raise ShapeError(f"max_pool3d: the window depth {k[0]} does not fit the input {tuple(input.shape)}")
    out = None
    for kd in range(k[0]):
        plane = F.max_pool2d(depth_slices(input, k[0], kd, s[0], d[0], depth_out), k[1:], s[1:], p[1:], d[1:])
        out = plane if out is None else F.maximum(out, plane)
    return F.movedim(F.reshape(out, (n, depth_out, c) + tuple(out.shape[2:])), 1, 2)


def _pooled_size(length, k, s, p, d, ceil_mode):
    """PyTorch's pooling output size; in ceil mode a last window starting in the right padding
    or beyond is dropped."""
    span = d * (k - 1) + 1
    out = (length + 2 * p - span + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= length + p:
        out -= 1
    return out


def _windowed(input, k, s, p, d, ceil_mode, return_indices):
    """Every window whole: (N, C, Do, Ho, Wo, kd * kh * kw), then each one's first maximum. The
    value is gathered at that maximum, so its gradient goes there alone, as PyTorch's does."""
    sizes = tuple(input.shape[2:])
    outs = tuple(_pooled_size(n, ki, si, pi, di, ceil_mode) for n, ki, si, pi, di in zip(sizes, k, s, p, d))
    if min(outs) <= 0:
        raise ShapeError(f"max_pool3d: the window {k} (dilation {d}, padding {p}) does not fit the input "
                         f"{tuple(input.shape)}")
    spans = [di * (ki - 1) + 1 for ki, di in zip(k, d)]
    right = [max(0, (o - 1) * si + span - n - pi) for o, si, span, n, pi in zip(outs, s, spans, sizes, p)]
    padded = F.pad(input, (p[2], right[2], p[1], right[1], p[0], right[0]), value=-math.inf)
    windows = padded
    for axis, (o, si, span) in enumerate(zip(outs, s, spans)):
        windows = F.narrow(unfold_windows(windows, 2 + axis, span, si), 2 + axis, 0, o)
    windows = windows[..., ::d[0], ::d[1], ::d[2]]  # (N, C, Do, Ho, Wo, kd, kh, kw)
    flat = F.reshape(windows, tuple(windows.shape[:5]) + (-1,))
    first = F.argmax(flat, dim=-1, keepdim=True)
    values = F.squeeze(F.gather(flat, -1, first), -1)
    if not return_indices:
        return values
    where = F.squeeze(first, -1)  # the window-local index -> the input position along each dim
    local = (where // (k[1] * k[2]), (where // k[2]) % k[1], where % k[2])
    device = input.device
    starts = [np.arange(o, dtype=np.int64) * si - pi for o, si, pi in zip(outs, s, p)]
    grids = [F.reshape(_tensor(st, device=device), shape)
             for st, shape in zip(starts, ((-1, 1, 1), (1, -1, 1), (1, 1, -1)))]
    z, y, x = (g + loc * di for g, loc, di in zip(grids, local, d))
    return values, (z * sizes[1] + y) * sizes[2] + x


register(OpDef(name="max_pool3d", impl=max_pool3d, variants=Variants(functional=True),
               samples=lambda: [Sample((randn(2, 3, 4, 4, 4),), {"kernel_size": 2}),
                                Sample((randn(1, 2, 5, 7, 6),), {"kernel_size": 3, "stride": 2, "padding": 1}),
                                Sample((randn(1, 2, 6, 5, 5),), {"kernel_size": (2, 3, 2), "dilation": (2, 1, 1),
                                                                 "stride": 1}),
                                Sample((randn(2, 4, 4, 4),), {"kernel_size": 2}),
                                Sample((randn(1, 2, 5, 6, 7),), {"kernel_size": 2, "ceil_mode": True}, name="ceil"),
                                Sample((randn(1, 2, 6, 7, 5),), {"kernel_size": (3, 2, 2), "stride": 2, "padding": 1,
                                                                 "dilation": (1, 2, 1), "ceil_mode": True},
                                       name="ceil, padded, dilated"),
                                Sample((randn(1, 2, 4, 5, 6),), {"kernel_size": 2, "stride": 1, "padding": 1,
                                                                 "return_indices": True}, name="indices"),
                                Sample((randn(2, 4, 5, 5),), {"kernel_size": 3, "stride": 2, "ceil_mode": True,
                                                              "return_indices": True}, name="unbatched indices")],
               torch_ref=lambda torch, x, **kw: torch.nn.functional.max_pool3d(x, **kw)))
