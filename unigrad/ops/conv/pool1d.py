"""max_pool1d, avg_pool1d, adaptive_avg_pool1d and adaptive_max_pool1d/2d: the 1-D poolings run
as their 2-D forms over a height of 1, and adaptive max pooling as the max of each window torch's
adaptive rule gives (a composite of slices and amax)."""
from ...errors import ShapeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from .common import adaptive_windows


def _one(v, name):
    if isinstance(v, int):
        return v
    v = tuple(v)
    if len(v) != 1:
        raise ShapeError(f"{name} must be an int or a 1-tuple, got {v}")
    return v[0]


def _as_2d(input, name):
    if input.ndim not in (2, 3):
        raise ShapeError(f"{name}: expected (N, C, L) or (C, L) input, got shape {tuple(input.shape)}")
    return F.unsqueeze(input, -2)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """1-D max pooling of (N, C, L) input, as torch's max_pool1d (return_indices: positions in L).

    Example::

        >>> ug.nn.functional.max_pool1d(ug.tensor([[[1.0, 3.0, 2.0, 5.0]]]), 2)
        tensor([[[3., 5.]]])
    """
    x = _as_2d(input, "max_pool1d")
    k = _one(kernel_size, "kernel_size")
    s = k if stride is None or stride == () else _one(stride, "stride")
    out = F.max_pool2d(x, (1, k), (1, s), (0, _one(padding, "padding")), (1, _one(dilation, "dilation")), ceil_mode,
                       return_indices)
    if return_indices:
        return F.squeeze(out[0], -2), F.squeeze(out[1], -2)
    return F.squeeze(out, -2)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """1-D average pooling of (N, C, L) input, as torch's avg_pool1d.

    Example::

        >>> ug.nn.functional.avg_pool1d(ug.tensor([[[1.0, 3.0, 2.0, 6.0]]]), 2)
        tensor([[[2., 4.]]])
    """
    x = _as_2d(input, "avg_pool1d")
    k = _one(kernel_size, "kernel_size")
    s = k if stride is None or stride == () else _one(stride, "stride")
    return F.squeeze(F.avg_pool2d(x, (1, k), (1, s), (0, _one(padding, "padding")), ceil_mode, count_include_pad), -2)


def adaptive_avg_pool1d(input, output_size):
    """1-D average pooling to output_size positions, as torch's adaptive_avg_pool1d.

    Example::

        >>> ug.nn.functional.adaptive_avg_pool1d(ug.tensor([[[1.0, 3.0, 2.0, 6.0]]]), 1)
        tensor([[[3.]]])
    """
    return F.squeeze(F.adaptive_avg_pool2d(_as_2d(input, "adaptive_avg_pool1d"), (1, _one(output_size, "output_size"))),
                     -2)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """2-D max pooling to a fixed output size: output cell (i, j) is the max over rows
    floor(i * H / OH) .. ceil((i + 1) * H / OH) - 1 and likewise columns, as torch's
    adaptive_max_pool2d. return_indices=True also gives each maximum's int64 index into its
    flattened H * W plane (the first maximum of its window in row-major order).

    Example::

        >>> ug.nn.functional.adaptive_max_pool2d(ug.arange(16.0).reshape(1, 1, 4, 4), 2)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """
    if input.ndim not in (3, 4):
        raise ShapeError(f"adaptive_max_pool2d: expected (N, C, H, W) or (C, H, W) input, got {tuple(input.shape)}")
    oh, ow = (output_size, output_size) if isinstance(output_size, int) else tuple(output_size)
    h, w = input.shape[-2:]
    oh, ow = h if oh is None else oh, w if ow is None else ow
    rows = [F.amax(input[..., a:b, :], dim=-2, keepdim=True) for a, b in adaptive_windows(h, oh)]
    x = F.cat(rows, -2)
    cols = [F.amax(x[..., a:b], dim=-1, keepdim=True) for a, b in adaptive_windows(w, ow)]
    values = F.cat(cols, -1)
    return (values, _adaptive_max_indices(input, h, w, oh, ow)) if return_indices else values


def _adaptive_max_indices(input, h, w, oh, ow):
    """(..., OH, OW) int64: where in the flattened H * W plane each window's first maximum is."""
    lead = tuple(input.shape[:-2])
    rows = []
    for a, b in adaptive_windows(h, oh):
        cells = []
        for c, d in adaptive_windows(w, ow):
            local = F.argmax(F.reshape(input[..., a:b, c:d], lead + (-1,)), dim=-1)  # row-major, first wins
            cells.append(F.unsqueeze((local // (d - c) + a) * w + local % (d - c) + c, -1))
        rows.append(F.unsqueeze(F.cat(cells, -1), -2))
    return F.cat(rows, -2)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """1-D max pooling to output_size positions, as torch's adaptive_max_pool1d.

    Example::

        >>> ug.nn.functional.adaptive_max_pool1d(ug.tensor([[[1.0, 3.0, 2.0, 6.0]]]), 2)
        tensor([[[3., 6.]]])
    """
    out = adaptive_max_pool2d(_as_2d(input, "adaptive_max_pool1d"), (1, _one(output_size, "output_size")),
                              return_indices)
    return (F.squeeze(out[0], -2), F.squeeze(out[1], -2)) if return_indices else F.squeeze(out, -2)


def _reg(name, fn, samples):
    register(OpDef(name=name, impl=fn, variants=Variants(functional=True), samples=samples,
                   torch_ref=lambda torch, x, *a, **kw: getattr(torch.nn.functional, name)(x, *a, **kw)))


_reg("max_pool1d", max_pool1d, lambda: [Sample((randn(2, 3, 9), 3), {"stride": 2, "padding": 1}),
                                        Sample((randn(3, 8), 2), {"return_indices": True})])
_reg("avg_pool1d", avg_pool1d, lambda: [Sample((randn(2, 3, 9), 3), {"stride": 2, "padding": 1}),
                                        Sample((randn(3, 8), 2), {"count_include_pad": False})])
_reg("adaptive_avg_pool1d", adaptive_avg_pool1d, lambda: [Sample((randn(2, 3, 10), 4)), Sample((randn(3, 7), 3))])
_reg("adaptive_max_pool1d", adaptive_max_pool1d, lambda: [Sample((randn(2, 3, 10), 4)), Sample((randn(3, 7), 3)),
                                                          Sample((randn(2, 9), 4), {"return_indices": True})])
_reg("adaptive_max_pool2d", adaptive_max_pool2d, lambda: [Sample((randn(2, 3, 7, 5), (3, 2))), Sample((randn(3, 6, 6), 4)),
                                                          Sample((randn(2, 2, 7, 5), (3, 4)), {"return_indices": True})])
