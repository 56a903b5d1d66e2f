"""Tensor.unfold(dimension, size, step): the sliding windows of one dim as a new last dim (a
composite of index_select, so overlapping windows' gradients add up where they overlap)."""
import numpy as np

from ...core.tensor import tensor as _tensor
from ...errors import InvalidArgumentError, ShapeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import normalize_dim


def unfold_windows(input, dimension, size, step):
    """Every window of `size` consecutive entries of `dimension`, `step` apart, as PyTorch's
    ``Tensor.unfold``: dimension's size becomes the number of windows, (L - size) // step + 1,
    and a new last dim of `size` holds each window. A copy here (a view in PyTorch).

    Example::

        >>> ug.arange(6.0).unfold(0, 3, 2)
        tensor([[0., 1., 2.],
                [2., 3., 4.]])
    """
    shape = tuple(input.shape)
    d = normalize_dim("unfold", dimension, max(len(shape), 1))
    length = shape[d] if shape else 1
    if not isinstance(step, int) or isinstance(step, bool) or step <= 0:
        raise InvalidArgumentError(f"unfold: step must be a positive int, got {step!r}")
    if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= length:
        raise ShapeError(f"unfold: maximum size for tensor at dimension {d} is {length} but size is {size!r} "
                         f"(tensor shape {shape})")
    if not shape:  # a 0-d tensor has one window of one entry (size 0: none of zero)
        one = F.reshape(input, (1,))
        return one if size else one[:0]
    windows = (length - size) // step + 1
    index = (np.arange(windows)[:, None] * step + np.arange(size)[None, :]).reshape(-1).astype(np.int64)
    picked = F.index_select(input, d, _tensor(index, device=input.device))
    return F.movedim(F.reshape(picked, shape[:d] + (windows, size) + shape[d + 1:]), d + 1, -1)


register(OpDef(name="unfold_windows", impl=unfold_windows, variants=Variants(function=False, methods={"unfold": None}),
               samples=lambda: [Sample((randn(7), 0, 3, 2)), Sample((randn(3, 8, 2), 1, 3, 1)),
                                Sample((randn(4, 5), -1, 5, 3)), Sample((randn(2, 6), 0, 1, 1))],
               torch_ref=lambda torch, x, dimension, size, step: x.unfold(dimension, size, step)))
