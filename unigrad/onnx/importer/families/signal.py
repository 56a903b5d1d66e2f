"""Signal processing: DFT (forward, inverse, one-sided), STFT and MelWeightMatrix. A DFT is a
matrix product with its cos/sin matrix (computed in float64 while importing), so it runs as
matmul on any device and is differentiable."""
import numpy as np

from ....ops import api as F
from ..rules import rule
from .common import axis_of


def _parts(x):
    """(real, imaginary or None) of ONNX's (..., 1) real or (..., 2) complex layout."""
    real = F.getitem(x, (Ellipsis, 0))
    imag = F.getitem(x, (Ellipsis, 1)) if x.shape[-1] == 2 else None
    return real, imag


def _fit(v, n):
    """v (..., L) cut or zero-padded to (..., n)."""
    length = v.shape[-1]
    if length > n:
        return F.getitem(v, (Ellipsis, slice(0, n)))
    if length < n:
        return F.pad(v, (0, n - length))
    return v


def dft(ctx, x, n, axis, inverse=False, onesided=False):
    a = axis_of(axis, x.ndim)
    moved = F.movedim(x, a, -2)  # the signal axis last before the complex parts
    real, imag = _parts(moved)
    wide = "float64"
    real = F.to_dtype(real, wide)
    imag = None if imag is None else F.to_dtype(imag, wide)
    if inverse and onesided:  # the inverse of a one-sided spectrum: a real signal (numpy's irfft)
        bins = n // 2 + 1
        k = np.arange(bins)[:, None]
        t = np.arange(n)[None, :]
        weight = np.where((k == 0) | ((n % 2 == 0) & (k == n // 2)), 1.0, 2.0) / n
        theta = 2 * np.pi * k * t / n
        out = F.matmul(_fit(real, bins), ctx.const(weight * np.cos(theta)))
        if imag is not None:
            out = F.sub(out, F.matmul(_fit(imag, bins), ctx.const(weight * np.sin(theta))))
        result = F.unsqueeze(out, -1)
    else:
        out_len = n // 2 + 1 if onesided else n
        t = np.arange(n)[:, None]
        k = np.arange(out_len)[None, :]
        theta = 2 * np.pi * t * k / n
        cos, sin = ctx.const(np.cos(theta)), ctx.const(np.sin(theta))
        sign = 1.0 if inverse else -1.0
        real, imag = _fit(real, n), None if imag is None else _fit(imag, n)
        re = F.matmul(real, cos)
        im = F.mul(F.matmul(real, sin), sign)
        if imag is not None:
            re = F.sub(re, F.mul(F.matmul(imag, sin), sign))
            im = F.add(im, F.matmul(imag, cos))
        if inverse:
            re, im = F.div(re, float(n)), F.div(im, float(n))
        result = F.stack([re, im], -1)
    return F.to_dtype(F.movedim(result, -2, a), x.dtype)


def _length(x, axis, dft_length, inverse, onesided):
    if dft_length is not None and np.asarray(dft_length).size:
        return int(np.asarray(dft_length).reshape(-1)[0])
    size = x.shape[axis_of(axis, x.ndim)]
    return 2 * (size - 1) if inverse and onesided else size


@rule("DFT", since=17, static=(1,))
def dft_17(ctx, x, dft_length=None, *, axis=1, inverse=0, onesided=0):
    return dft(ctx, x, _length(x, axis, dft_length, inverse, onesided), axis, bool(inverse), bool(onesided))


@rule("DFT", since=20, static=(1, 2))
def dft_20(ctx, x, dft_length=None, axis=None, *, inverse=0, onesided=0):
    a = -2 if axis is None or not np.asarray(axis).size else int(np.asarray(axis).reshape(-1)[0])
    return dft(ctx, x, _length(x, a, dft_length, inverse, onesided), a, bool(inverse), bool(onesided))


@rule("STFT", since=17, static=(1, 3))
def stft(ctx, signal, frame_step, window=None, frame_length=None, *, onesided=1):
    step = int(np.asarray(frame_step).reshape(-1)[0])
    if frame_length is not None and np.asarray(frame_length).size:
        size = int(np.asarray(frame_length).reshape(-1)[0])
    else:
        size = window.shape[0]
    length = signal.shape[1]
    frames = (length - size) // step + 1
    index = (np.arange(frames)[:, None] * step + np.arange(size)[None, :]).reshape(-1)
    framed = F.reshape(F.index_select(signal, 1, ctx.const(index.astype(np.int64))),
                       (signal.shape[0], frames, size, signal.shape[2]))
    if window is not None:
        framed = F.mul(framed, F.reshape(F.to_dtype(window, framed.dtype), (1, 1, size, 1)))
    return dft(ctx, framed, size, 2, False, bool(onesided))


@rule("MelWeightMatrix", since=17, static=(0, 1, 2, 3, 4))
def mel_weight_matrix(ctx, num_mel_bins, dft_length, sample_rate, lower_edge_hertz, upper_edge_hertz, *,
                      output_datatype=1):
    from ...dtypes import to_unigrad
    mels, length, rate = (int(np.asarray(v).reshape(-1)[0]) for v in (num_mel_bins, dft_length, sample_rate))
    low, high = (float(np.asarray(v).reshape(-1)[0]) for v in (lower_edge_hertz, upper_edge_hertz))
    bins = np.arange(0, mels + 2)
    low_mel = 2595 * np.log1p(low / 700) / np.log(10)
    high_mel = 2595 * np.log1p(high / 700) / np.log(10)
    step = (high_mel - low_mel) / bins.shape[0]
    freqs = 700 * np.expm1((bins * step + low_mel) / 2595 * np.log(10))
    freqs = (((length + 1) * freqs) // rate).astype(int)
    out = np.zeros((length // 2 + 1, mels))
    for i in range(mels):
        left, center, right = freqs[i], freqs[i + 1], freqs[i + 2]
        if center == left:
            out[center, i] = 1
        else:
            for j in range(left, center + 1):
                out[j, i] = (j - left) / (center - left)
        if right > center:
            for j in range(center, right):
                out[j, i] = (right - j) / (right - center)
    return out.astype(to_unigrad(output_datatype).np)
