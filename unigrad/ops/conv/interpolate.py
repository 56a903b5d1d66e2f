"""interpolate: resizing of the spatial dims by nearest, nearest-exact, (bi/tri)linear or bicubic
sampling, as torch.nn.functional.interpolate. A composite: each spatial dim in turn (the last
first, as torch's kernels sum) gathers its source rows with index_select at positions computed
by torch's rules; linear modes blend two of them, bicubic four (Keys' cubic convolution with
a = -0.75, source indices clamped to the border, as torch)."""
import math

import numpy as np

from ...core.tensor import tensor as _tensor
from ...errors import InvalidArgumentError, ShapeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn

_LINEAR = {"linear": 1, "bilinear": 2, "trilinear": 3, "bicubic": 2}
_CUBIC_A = -0.75  # torch's (and OpenCV's) cubic convolution coefficient


def _sizes(input, size, scale_factor, n):
    if (size is None) == (scale_factor is None):
        raise InvalidArgumentError("interpolate: give exactly one of size and scale_factor")
    spatial = tuple(input.shape[2:])
    if size is not None:
        out = (size,) * n if isinstance(size, int) else tuple(int(s) for s in size)
        if len(out) != n:
            raise ShapeError(f"interpolate: size {size} must name {n} sizes for input of shape {tuple(input.shape)}")
        return out, (None,) * n
    scales = (float(scale_factor),) * n if isinstance(scale_factor, (int, float)) else tuple(map(float, scale_factor))
    if len(scales) != n:
        raise ShapeError(f"interpolate: scale_factor {scale_factor} must name {n} factors for input of shape "
                         f"{tuple(input.shape)}")
    return tuple(int(math.floor(s * f)) for s, f in zip(spatial, scales)), scales


def _scale(n_in, n_out, scale, align_corners):
    if align_corners:
        return (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    return 1.0 / scale if scale is not None else n_in / n_out


def _nearest(n_in, n_out, scale, exact, float32):
    s = _scale(n_in, n_out, scale, False)
    dst = np.arange(n_out, dtype=np.float32 if float32 else np.float64)
    s = np.float32(s) if float32 else s
    src = np.floor((dst + 0.5) * s if exact else dst * s).astype(np.int64)
    return np.minimum(src, n_in - 1)


def _linear(n_in, n_out, scale, align_corners, dtype):
    s = dtype(_scale(n_in, n_out, scale, align_corners))
    dst = np.arange(n_out, dtype=dtype)
    src = s * dst if align_corners else np.maximum(s * (dst + dtype(0.5)) - dtype(0.5), 0)
    i0 = src.astype(np.int64)
    lam = np.clip(src - i0, 0, 1).astype(dtype)
    i1 = i0 + (i0 < n_in - 1)
    return i0, i1, lam


def _cubic(n_in, n_out, scale, align_corners, dtype):
    """The four source indices (clamped to [0, n_in)) and weights of each output position."""
    s = dtype(_scale(n_in, n_out, scale, align_corners))
    dst = np.arange(n_out, dtype=dtype)
    src = s * dst if align_corners else s * (dst + dtype(0.5)) - dtype(0.5)  # not clamped, unlike linear
    base = np.floor(src)
    t = (src - base).astype(dtype)
    a = dtype(_CUBIC_A)

    def near(x):  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    weights = (far(t + 1), near(t), near(1 - t), far(2 - t))
    base = base.astype(np.int64)
    indices = tuple(np.clip(base + k, 0, n_in - 1) for k in (-1, 0, 1, 2))
    return indices, weights


def _antialias_weights(n_in, n_out, scale, align_corners, mode):
    """(n_out, n_in) float64: torch's antialiased resampling weights (PIL's): each output's
    filter (a triangle for bilinear, Keys' cubic with a = -0.5 for bicubic) is stretched by the
    scale when shrinking, so every input row within its reach contributes; rows normalised."""
    s = _scale(n_in, n_out, scale, align_corners)
    reach = 1.0 if mode == "bilinear" else 2.0  # half the filter's width, in input rows
    support = reach * s if s >= 1.0 else reach
    stretch = 1.0 / s if s >= 1.0 else 1.0

    def kernel(x):
        x = np.abs(x)
        if mode == "bilinear":
            return np.maximum(1.0 - x, 0.0)
        a = -0.5
        return np.where(x < 1.0, ((a + 2.0) * x - (a + 3.0)) * x * x + 1,
                        np.where(x < 2.0, (((x - 5) * x + 8) * x - 4) * a, 0.0))
    weights = np.zeros((n_out, n_in))
    for i in range(n_out):
        center = s * (i + 0.5)
        lo = max(int(center - support + 0.5), 0)
        hi = min(int(center + support + 0.5), n_in)
        w = kernel((np.arange(lo, hi) - center + 0.5) * stretch)
        total = w.sum()
        weights[i, lo:hi] = w / total if total != 0.0 else w
    return weights


def _resample(x, dim, weights):
    """x's dim mapped through weights (n_out, n_in): one matmul over that dim."""
    moved = F.movedim(x, dim, -1)
    out = F.matmul(moved, _tensor(np.ascontiguousarray(weights.T), dtype=x.dtype, device=x.device))
    return F.movedim(out, -1, dim)


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """input (N, C, *spatial) resized to `size` (or spatial * scale_factor, rounded down) by
    `mode`: 'nearest' (torch's legacy rule: source floor(dst * in / out)), 'nearest-exact',
    'linear' (3-D input), 'bilinear' or 'bicubic' (4-D) or 'trilinear' (5-D), with align_corners
    as torch (corner pixels' centres aligned; default False). A given scale_factor also sets the
    sampling step unless recompute_scale_factor. 'area' is adaptive average pooling to the output
    size, as in torch. antialias=True (bilinear and bicubic, 4-D input) low-pass filters while
    shrinking, as torch's (PIL's) antialiased resize: each output averages every input row its
    stretched filter reaches.

    Example::

        >>> x = ug.tensor([[[1.0, 2.0]]])
        >>> ug.nn.functional.interpolate(x, scale_factor=2)
        tensor([[[1., 1., 2., 2.]]])
        >>> ug.nn.functional.interpolate(x, size=4, mode="linear")
        tensor([[[1.  , 1.25, 1.75, 2.  ]]])
        >>> ug.nn.functional.interpolate(x, size=3, mode="linear", align_corners=True)
        tensor([[[1. , 1.5, 2. ]]])
    """
    n = input.ndim - 2
    if n < 1:
        raise ShapeError(f"interpolate: expected (N, C, *spatial), got shape {tuple(input.shape)}")
    if mode in _LINEAR and _LINEAR[mode] != n:
        raise ShapeError(f"interpolate: mode {mode!r} needs {_LINEAR[mode] + 2}-D input, got {tuple(input.shape)}")
    if mode not in _LINEAR and mode not in ("nearest", "nearest-exact", "area"):
        raise InvalidArgumentError(f"interpolate: mode {mode!r} is not supported; use 'nearest', 'nearest-exact', "
                                   "'area', 'linear', 'bilinear', 'bicubic' or 'trilinear'")
    if align_corners is not None and mode not in _LINEAR:
        raise InvalidArgumentError("interpolate: align_corners only applies to the linear modes")
    if antialias and (mode not in ("bilinear", "bicubic") or input.ndim != 4):
        raise InvalidArgumentError("interpolate: anti-alias option is restricted to bilinear and bicubic modes and "
                                   f"requires a 4-D tensor as input, got mode {mode!r} and shape {tuple(input.shape)}")
    out_sizes, scales = _sizes(input, size, scale_factor, n)
    if mode == "area":  # torch's definition: adaptive average pooling to the output size
        if n > 3:
            raise ShapeError(f"interpolate: mode 'area' needs 3-D to 5-D input, got {tuple(input.shape)}")
        pool = (F.adaptive_avg_pool1d, F.adaptive_avg_pool2d, F.adaptive_avg_pool3d)[n - 1]
        return pool(input, out_sizes[0] if n == 1 else out_sizes)
    if recompute_scale_factor:
        scales = (None,) * n
    float32 = input.dtype.name != "float64"
    dtype = np.float64 if not float32 else np.float32
    x = input
    for d in reversed(range(n)):
        dim, n_in, n_out = d + 2, input.shape[d + 2], out_sizes[d]
        if antialias:
            x = _resample(x, dim, _antialias_weights(n_in, n_out, scales[d], bool(align_corners), mode))
            continue
        if mode in ("nearest", "nearest-exact"):
            if n_in == n_out and mode == "nearest":
                continue
            idx = _nearest(n_in, n_out, scales[d], mode == "nearest-exact", float32)
            x = F.index_select(x, dim, _tensor(idx, device=x.device))
            continue
        shape = (n_out,) + (1,) * (x.ndim - dim - 1)
        if mode == "bicubic":
            indices, weights = _cubic(n_in, n_out, scales[d], bool(align_corners), dtype)
            terms = [F.mul(F.index_select(x, dim, _tensor(i, device=x.device)),
                           _tensor(w.reshape(shape), dtype=x.dtype, device=x.device)) for i, w in zip(indices, weights)]
            x = F.add(F.add(terms[0], terms[1]), F.add(terms[2], terms[3]))
            continue
        i0, i1, lam = _linear(n_in, n_out, scales[d], bool(align_corners), dtype)
        w1 = _tensor(lam.reshape(shape), dtype=x.dtype, device=x.device)
        w0 = _tensor((1 - lam).reshape(shape), dtype=x.dtype, device=x.device)
        x = F.add(F.mul(F.index_select(x, dim, _tensor(i0, device=x.device)), w0),
                  F.mul(F.index_select(x, dim, _tensor(i1, device=x.device)), w1))
    return x


def _samples():
    return [Sample((randn(2, 3, 5),), {"scale_factor": 2}), Sample((randn(1, 2, 4, 5),), {"size": (7, 3)}),
            Sample((randn(1, 2, 3, 4),), {"scale_factor": 1.7, "mode": "nearest-exact"}),
            Sample((randn(2, 2, 4, 5),), {"size": (8, 7), "mode": "bilinear"}),
            Sample((randn(1, 3, 4, 4),), {"scale_factor": 2, "mode": "bilinear", "align_corners": True}),
            Sample((randn(1, 2, 6, 5),), {"size": (3, 2), "mode": "bilinear"}),
            Sample((randn(2, 3, 5),), {"scale_factor": 1.5, "mode": "linear"}),
            Sample((randn(1, 2, 2, 3, 3),), {"scale_factor": 2, "mode": "trilinear"}),
            Sample((randn(1, 1, 3, 3),), {"size": 5, "mode": "bilinear", "align_corners": True}),
            Sample((randn(2, 2, 4, 5),), {"size": (9, 7), "mode": "bicubic"}, name="bicubic_up"),
            Sample((randn(1, 2, 7, 6),), {"size": (3, 4), "mode": "bicubic"}, name="bicubic_down"),
            Sample((randn(1, 1, 4, 4),), {"scale_factor": 2, "mode": "bicubic", "align_corners": True},
                   name="bicubic_corners"),
            Sample((randn(1, 2, 3, 5),), {"scale_factor": 1.7, "mode": "bicubic"}, name="bicubic_scale"),
            Sample((randn(2, 2, 7, 6),), {"size": (3, 4), "mode": "area"}, name="area_2d"),
            Sample((randn(2, 3, 5),), {"scale_factor": 0.5, "mode": "area"}, name="area_1d"),
            Sample((randn(2, 2, 9, 8),), {"size": (4, 3), "mode": "bilinear", "antialias": True}, name="aa_bilinear"),
            Sample((randn(1, 2, 10, 7),), {"size": (3, 5), "mode": "bicubic", "antialias": True}, name="aa_bicubic"),
            Sample((randn(1, 2, 4, 5),), {"size": (7, 3), "mode": "bilinear", "antialias": True}, name="aa_mixed"),
            Sample((randn(1, 1, 8, 8),), {"scale_factor": 0.4, "mode": "bicubic", "antialias": True,
                                          "align_corners": True}, name="aa_corners_scale")]


register(OpDef(name="interpolate", impl=interpolate, variants=Variants(functional=("interpolate", "upsample")),
               samples=_samples,
               torch_ref=lambda torch, x, **kw: torch.nn.functional.interpolate(x, **kw)), public=interpolate)
