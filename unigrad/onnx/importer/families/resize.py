"""Resize and Upsample. Interpolation is separable, so each resized axis is one matrix product:
the (out, in) matrix of interpolation weights is computed from the sizes while importing (the
coordinate mapping, the nearest/linear/cubic kernel, antialiasing, edge clamping,
exclude_outside, as onnx's reference defines them), and the data meet it through matmul."""
import numpy as np

from ....ops import api as F
from ..rules import rule
from .common import axis_of, ints


def _source_coordinates(mode, out_len, in_len, scale, roi):
    """Where each output position samples the input, and which positions extrapolate."""
    y = np.arange(out_len, dtype=np.float64)
    out_width = scale * in_len
    outside = None
    if mode == "align_corners":
        x = np.zeros(out_len) if out_width == 1 else y * (in_len - 1) / (out_width - 1)
    elif mode == "asymmetric":
        x = y / scale
    elif mode == "tf_crop_and_resize":
        start, end = roi
        x = np.full(out_len, (end - start) * (in_len - 1) / 2) if out_width == 1 else \
            y * (end - start) * (in_len - 1) / (out_width - 1)
        x = x + start * (in_len - 1)
        outside = (x < 0) | (x > in_len - 1)
    elif mode == "pytorch_half_pixel":
        x = np.full(out_len, -0.5) if out_width == 1 else (y + 0.5) / scale - 0.5
    elif mode == "half_pixel":
        x = (y + 0.5) / scale - 0.5
    elif mode == "half_pixel_symmetric":
        adjustment = out_len / out_width
        offset = in_len / 2 * (1 - adjustment)
        x = offset + (y + 0.5) / scale - 0.5
    else:
        raise ValueError(f"unknown coordinate_transformation_mode {mode!r}")
    return x, outside


def _kernel(mode, nearest_mode, cubic_a, antialias):
    """coeffs(ratio, scale): the weights of the neighbours of a source coordinate."""
    if mode == "nearest":
        def nearest(r, scale):
            if float(r).is_integer():
                return np.array([0.0, 1.0])
            return np.array({"round_prefer_floor": [r <= 0.5, r > 0.5], "round_prefer_ceil": [r < 0.5, r >= 0.5],
                             "floor": [1, 0], "ceil": [0, 1]}[nearest_mode], dtype=np.float64)
        return nearest
    if mode == "linear":
        if antialias:
            def linear_aa(r, scale):
                scale = min(scale, 1.0)
                start = int(np.floor(-1 / scale) + 1)
                args = (np.arange(start, start + 2 - 2 * start) - r) * scale
                c = np.clip(1 - np.abs(args), 0, 1)
                return c / c.sum()
            return linear_aa
        return lambda r, scale: np.array([1 - r, r])
    if mode == "cubic":
        a = cubic_a
        if antialias:
            def cubic_aa(r, scale):
                scale = min(scale, 1.0)

                def w(x):
                    x = abs(x)
                    if x <= 1:
                        return (a + 2) * x ** 3 - (a + 3) * x ** 2 + 1
                    return a * x ** 3 - 5 * a * x ** 2 + 8 * a * x - 4 * a if x < 2 else 0.0
                start = int(np.floor(-2 / scale) + 1)
                c = np.array([w(scale * (i - r)) for i in range(start, 2 - start)])
                return c / c.sum()
            return cubic_aa

        def cubic(r, scale):
            return np.array([((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a,
                             ((a + 2) * r - (a + 3)) * r * r + 1,
                             ((a + 2) * (1 - r) - (a + 3)) * (1 - r) * (1 - r) + 1,
                             ((a * ((1 - r) + 1) - 5 * a) * ((1 - r) + 1) + 8 * a) * ((1 - r) + 1) - 4 * a])
        return cubic
    raise ValueError(f"unknown mode {mode!r}")


def interpolation_matrix(in_len, out_len, scale, coeffs, coordinate_mode, roi=None, exclude_outside=0):
    """(out_len, in_len) weights and the extrapolated rows (or None)."""
    x, outside = _source_coordinates(coordinate_mode, out_len, in_len, scale, roi)
    base = np.floor(x).astype(np.int64)
    ratios = np.where(x == base, 1.0, x - base)
    rows = [coeffs(float(r), scale) for r in ratios]
    n = len(rows[0]) if rows else 2
    pad = int(np.ceil(n / 2))
    padded = x + pad
    p = np.floor(padded).astype(np.int64)
    frac = padded - p
    if n % 2 == 0:
        offset = np.where(frac == 0, -(n // 2), -(n // 2) + 1)
    else:
        offset = np.where(frac <= 0.5, -((n - 1) // 2), -((n - 1) // 2) + 1)
    neighbours = (p + offset)[:, None] + np.arange(n)[None, :] - pad
    weights = np.asarray(rows, dtype=np.float64).reshape(out_len, n)
    if exclude_outside:
        weights = np.where((neighbours < 0) | (neighbours >= in_len), 0.0, weights)
        total = weights.sum(-1, keepdims=True)
        weights = weights / np.where(total == 0, 1.0, total)
    matrix = np.zeros((out_len, in_len))
    np.add.at(matrix, (np.repeat(np.arange(out_len), n), np.clip(neighbours, 0, in_len - 1).reshape(-1)),
              weights.reshape(-1))
    if outside is not None:
        matrix[outside] = 0.0
    return matrix, outside


def resize_array(ctx, x, axes, out_sizes, scales, coeffs, coordinate_mode, roi, exclude_outside, extrapolation):
    """x resized along each axis by its interpolation matrix (computed in float64, as onnx's reference)."""
    y = F.to_dtype(x, "float64") if x.dtype.name != "float64" else x
    for axis, out_len, scale, axis_roi in zip(axes, out_sizes, scales, roi):
        in_len = x.shape[axis]
        if np.isclose(scale, 1.0) and out_len == in_len and (axis_roi is None or tuple(axis_roi) == (0.0, 1.0)):
            continue
        matrix, outside = interpolation_matrix(in_len, out_len, scale, coeffs, coordinate_mode, axis_roi,
                                               exclude_outside)
        moved = F.movedim(y, axis, -1)
        out = F.matmul(moved, ctx.const(matrix.T.copy()))
        if outside is not None and outside.any():
            out = F.add(out, ctx.const(np.where(outside, float(extrapolation), 0.0)))
        y = F.movedim(out, -1, axis)
    if x.dtype.is_floating_point:
        return F.to_dtype(y, x.dtype) if y.dtype is not x.dtype else y
    info = np.iinfo(x.dtype.np)
    return F.to_dtype(F.clamp(F.round(y), float(info.min), float(info.max)), x.dtype)


def _resize(ctx, x, roi, scales, sizes, *, antialias=0, axes=None, coordinate_transformation_mode="half_pixel",
            cubic_coeff_a=-0.75, exclude_outside=0, extrapolation_value=0.0, keep_aspect_ratio_policy="stretch",
            mode="nearest", nearest_mode="round_prefer_floor"):
    rank = x.ndim
    axes = list(range(rank)) if axes is None else [axis_of(a, rank) for a in axes]
    if sizes is not None and np.asarray(sizes).size:
        sizes = ints(sizes)
        factors = [s / x.shape[a] for s, a in zip(sizes, axes)]
        if keep_aspect_ratio_policy != "stretch":
            scale = min(factors) if keep_aspect_ratio_policy == "not_larger" else max(factors)
            factors = [scale] * len(axes)
            sizes = [int(scale * x.shape[a] + 0.5) for a in axes]
    else:
        factors = [float(s) for s in np.asarray(scales).reshape(-1)]
        sizes = [int(f * x.shape[a]) for f, a in zip(factors, axes)]
    rois = [None] * len(axes)
    if roi is not None and np.asarray(roi).size and coordinate_transformation_mode == "tf_crop_and_resize":
        r = np.asarray(roi, dtype=np.float64).reshape(-1)
        k = len(r) // 2
        full = len(r) // 2 == rank and len(axes) != rank
        rois = [(r[a], r[k + a]) if full else (r[i], r[k + i]) for i, a in enumerate(axes)]
    coeffs = _kernel(mode, nearest_mode, cubic_coeff_a, antialias)
    return resize_array(ctx, x, axes, sizes, factors, coeffs, coordinate_transformation_mode, rois, exclude_outside,
                        extrapolation_value)


@rule("Resize", since=11, static=(1, 2, 3))
def resize(ctx, x, roi=None, scales=None, sizes=None, **attrs):
    return _resize(ctx, x, roi, scales, sizes, **attrs)


@rule("Resize", since=10, static=(1,))
def resize_10(ctx, x, scales, *, mode="nearest"):
    return _resize(ctx, x, None, scales, None, mode=mode, coordinate_transformation_mode="asymmetric",
                   nearest_mode="floor")


@rule("Upsample", since=9, static=(1,))
def upsample(ctx, x, scales, *, mode="nearest"):
    return _resize(ctx, x, None, scales, None, mode=mode, coordinate_transformation_mode="asymmetric",
                   nearest_mode="floor")


@rule("Upsample", since=7)
def upsample_attr(ctx, x, *, mode="nearest", scales):
    return _resize(ctx, x, None, scales, None, mode=mode, coordinate_transformation_mode="asymmetric",
                   nearest_mode="floor")
