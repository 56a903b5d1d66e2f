"""select and take: one index of one dim (a view, the dim removed), and elements of the
flattened input at given indices, as torch.select / torch.take (composites of slicing and
index_select)."""
import numpy as np

from ...core.tensor import Tensor
from ...errors import OutOfBoundsError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import normalize_dim
from .slice import basic_index


def select(input, dim, index):
    """``input[..., index, ...]`` along dim: the dim removed (torch.select). index may be negative.

    Example::

        >>> ug.arange(6).reshape(2, 3).select(1, -1)
        tensor([2, 5])
    """
    d = normalize_dim("select", dim, input.ndim)
    size = input.shape[d]
    i = int(index.item()) if isinstance(index, Tensor) else int(index)
    if not -size <= i < size:
        raise OutOfBoundsError(f"select(): index {i} out of range for tensor of size {tuple(input.shape)} at "
                               f"dimension {d}")
    return basic_index(input, (slice(None),) * d + (i % size,))


def take(input, index):
    """The elements of input flattened (row-major) at index, in index's shape (torch.take).

    Example::

        >>> ug.take(ug.tensor([[4.0, 3.0], [5.0, 6.0]]), ug.tensor([0, 3]))
        tensor([4., 6.])
    """
    flat = F.reshape(input, (-1,))
    n = flat.shape[0]
    idx = F.reshape(index, (-1,))
    lo, hi = (int(F.min(idx).item()), int(F.max(idx).item())) if idx.numel() else (0, -1)
    if hi >= n or lo < -n:
        raise OutOfBoundsError(f"take: an index in [{lo}, {hi}] is out of range for a tensor of {n} elements "
                               f"(shape {tuple(input.shape)})")
    idx = F.remainder(idx, n) if n else idx
    return F.reshape(F.index_select(flat, 0, idx), tuple(index.shape))


register(OpDef(name="select", impl=select, variants=Variants(methods=("select",)),
               samples=lambda: [Sample((randn(3, 4, 2), 1, 2)), Sample((randn(3, 4), 0, -1))],
               torch_ref=lambda torch, x, dim, index: torch.select(x, dim, index)))


def _take_samples():
    return [Sample((randn(3, 4), np.array([[0, 11], [5, 5]]))), Sample((randn(6), np.array([-1, 2])))]


register(OpDef(name="take", impl=take, variants=Variants(methods=("take",)), samples=_take_samples,
               torch_ref=lambda torch, x, index: torch.take(x, index)))
