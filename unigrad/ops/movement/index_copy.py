"""index_copy and masked_scatter: source's values written into a copy of input at the given
rows of a dim, or at the True positions of a mask in order (torch.index_copy, masked_scatter),
composites of scatter, cumsum, index_select and where, so both carry gradients."""
import numpy as np

from ...errors import ShapeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import normalize_dim


def index_copy(input, dim, index, source):
    """input with ``out[..., index[i], ...] = source[..., i, ...]`` along dim (torch.index_copy;
    repeated indices: the last write wins is not guaranteed there, and here one of them wins).

    Example::

        >>> ug.zeros(3, 2).index_copy(0, ug.tensor([2, 0]), ug.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor([[3., 4.],
                [0., 0.],
                [1., 2.]])
    """
    d = normalize_dim("index_copy", dim, max(input.ndim, 1))
    if index.ndim != 1 or source.ndim != input.ndim or source.shape[d] != index.shape[0]:
        raise ShapeError(f"index_copy: index must be 1-D with one entry per slice of source along dim {d}, got index "
                         f"{tuple(index.shape)}, source {tuple(source.shape)} for input {tuple(input.shape)}")
    shape = [1] * source.ndim
    shape[d] = index.shape[0]
    spread = F.broadcast_to(F.reshape(index, tuple(shape)), tuple(source.shape))
    return F.scatter(input, d, spread, source)


def masked_scatter(input, mask, source):
    """input with its positions where mask (broadcast to input) is True filled, in row-major
    order, with source's first values (torch.masked_scatter; source needs at least as many).

    Example::

        >>> ug.zeros(2, 2).masked_scatter(ug.tensor([[True, False], [True, True]]), ug.tensor([1.0, 2.0, 3.0, 4.0]))
        tensor([[1., 0.],
                [2., 3.]])
    """
    mask = F.broadcast_to(mask, tuple(input.shape))
    flat_mask = F.reshape(mask, (-1,))
    count = int(F.sum(flat_mask).item())
    if count > source.numel():
        raise ShapeError(f"masked_scatter: the mask selects {count} positions but source has only {source.numel()} "
                         f"elements (shape {tuple(source.shape)})")
    order = F.clamp_min(F.sub(F.cumsum(F.to_dtype(flat_mask, "int64"), 0), 1), 0)  # the source element of each
    picked = F.index_select(F.reshape(source, (-1,)), 0, order) if source.numel() else F.zeros_like(flat_mask)
    return F.reshape(F.where(flat_mask, picked, F.reshape(input, (-1,))), tuple(input.shape))


def _copy_samples():
    return [Sample((randn(4, 3), 0, np.array([3, 1]), randn(2, 3, seed=1))),
            Sample((randn(2, 5), 1, np.array([0, 4, 2]), randn(2, 3, seed=1)))]


def _scatter_samples():
    mask = np.array([[True, False, True], [False, True, True]])
    return [Sample((randn(2, 3), mask, randn(5, seed=1))), Sample((randn(2, 3), mask[0], randn(2, 2, seed=1)))]


register(OpDef(name="index_copy", impl=index_copy, variants=Variants(methods=("index_copy",), inplace=("index_copy_",)),
               samples=_copy_samples, torch_ref=lambda torch, x, dim, index, src: torch.index_copy(x, dim, index, src)))
register(OpDef(name="masked_scatter", impl=masked_scatter,
               variants=Variants(methods=("masked_scatter",), inplace=("masked_scatter_",)),
               samples=_scatter_samples, torch_ref=lambda torch, x, mask, src: x.masked_scatter(mask, src)))
