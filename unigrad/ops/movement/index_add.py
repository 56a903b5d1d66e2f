"""index_add and index_fill: whole slices along a dim added to (filled with a value at) the
positions an index lists, as torch's; composites of scatter_add and where."""
import numpy as np

from ...core.tensor import tensor as _tensor
from ...errors import ShapeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import normalize_dim


def index_add(input, dim, index, source, alpha=1):
    """input with ``alpha * source[..., i, ...]`` added to slice ``index[i]`` along dim (repeated
    indices each add), as torch.index_add.

    Example::

        >>> ug.zeros(3, 2).index_add(0, ug.tensor([0, 2, 0]), ug.ones(3, 2))
        tensor([[2., 2.],
                [0., 0.],
                [1., 1.]])
    """
    d = normalize_dim("index_add", dim, max(input.ndim, 1))
    if index.ndim != 1 or source.shape[d] != index.shape[0]:
        raise ShapeError(f"index_add: index must be 1-D with source.shape[{d}] entries, got index {tuple(index.shape)} "
                         f"and source {tuple(source.shape)}")
    shape = [1] * source.ndim
    shape[d] = -1
    full = F.broadcast_to(F.reshape(index, tuple(shape)), tuple(source.shape))
    return F.scatter_add(input, d, full, F.mul(source, alpha) if alpha != 1 else source)


def index_fill(input, dim, index, value):
    """input with every slice ``index[i]`` along dim set to value, as torch.index_fill.

    Example::

        >>> ug.zeros(2, 3).index_fill(1, ug.tensor([0, 2]), -1.0)
        tensor([[-1.,  0., -1.],
                [-1.,  0., -1.]])
    """
    d = normalize_dim("index_fill", dim, max(input.ndim, 1))
    picked = np.zeros(input.shape[d] if input.ndim else 1, dtype=bool)
    picked[np.asarray(index.cpu().numpy() if hasattr(index, "cpu") else index, dtype=np.int64).reshape(-1)] = True
    shape = [1] * input.ndim
    if input.ndim:
        shape[d] = -1
    mask = _tensor(picked.reshape(shape), device=input.device)
    return F.where(mask, F.full_like(input, value), input)


register(OpDef(name="index_add", impl=index_add, variants=Variants(methods=("index_add",), inplace=("index_add_",)),
               samples=lambda: [Sample((randn(4, 3), 0, np.array([0, 2, 2]), randn(3, 3, seed=1))),
                                Sample((randn(2, 5), 1, np.array([4, 0]), randn(2, 2, seed=2)), {"alpha": 0.5})],
               torch_ref=lambda torch, x, d, i, s, alpha=1: torch.index_add(x, d, i, s, alpha=alpha)))
register(OpDef(name="index_fill", impl=index_fill, variants=Variants(methods=("index_fill",), inplace=("index_fill_",)),
               samples=lambda: [Sample((randn(4, 3), 0, np.array([0, 2]), 1.5)),
                                Sample((randn(2, 5), 1, np.array([4]), -2.0))],
               torch_ref=lambda torch, x, d, i, v: torch.index_fill(x, d, i, v)))
