"""take_along_dim and block_diag, composites of gather, broadcasting, pad and cat."""
from ...errors import ShapeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import broadcast_shapes, normalize_dim
import numpy as np


def take_along_dim(input, indices, dim=None):
    """The elements of input at `indices` along dim, input and indices broadcasting in the other
    dims (torch.take_along_dim, NumPy's take_along_axis); dim None reads the flattened input.

    Example::

        >>> x = ug.tensor([[10, 30, 20], [60, 40, 50]])
        >>> ug.take_along_dim(x, ug.argsort(x, dim=1), dim=1)
        tensor([[10, 20, 30],
                [40, 50, 60]])
    """
    if dim is None:
        return F.gather(F.reshape(input, (-1,)), 0, F.reshape(indices, (-1,)))
    if input.ndim != indices.ndim:
        raise ShapeError(f"take_along_dim: input {tuple(input.shape)} and indices {tuple(indices.shape)} need the "
                         "same number of dims")
    d = normalize_dim("take_along_dim", dim, input.ndim)
    shape = broadcast_shapes("take_along_dim", tuple(s for i, s in enumerate(input.shape) if i != d),
                             tuple(s for i, s in enumerate(indices.shape) if i != d))
    full = lambda t: tuple(shape[:d]) + (t.shape[d],) + tuple(shape[d:])  # noqa: E731
    x = input if tuple(input.shape) == full(input) else F.broadcast_to(input, full(input))
    i = indices if tuple(indices.shape) == full(indices) else F.broadcast_to(indices, full(indices))
    return F.gather(x, d, i)


def block_diag(*tensors):
    """The tensors (0-, 1- or 2-D, read as 1 x 1, 1 x n, r x c) down a block diagonal, zeros
    elsewhere (torch.block_diag).

    Example::

        >>> ug.block_diag(ug.tensor([[1, 2]]), ug.tensor([[3], [4]]))
        tensor([[1, 2, 0],
                [0, 0, 3],
                [0, 0, 4]])
    """
    mats = [F.reshape(t, (1, 1)) if t.ndim == 0 else F.reshape(t, (1, -1)) if t.ndim == 1 else t for t in tensors]
    if any(m.ndim != 2 for m in mats):
        raise ShapeError("block_diag: expects tensors of at most 2 dims")
    width = sum(m.shape[1] for m in mats)
    rows, left = [], 0
    for m in mats:
        rows.append(F.pad(m, (left, width - left - m.shape[1])))
        left += m.shape[1]
    return F.cat(rows, 0)


register(OpDef(name="take_along_dim", impl=take_along_dim, variants=Variants(methods=("take_along_dim",)),
               samples=lambda: [Sample((randn(3, 4), np.array([[0, 3], [1, 1], [2, 0]])), {"dim": 1}),
                                Sample((randn(3, 4), np.array([[0, 2, 1, 0]])), {"dim": 0}),
                                Sample((randn(3, 4), np.array([5, 0, 11])))],
               torch_ref=lambda torch, x, i, dim=None: torch.take_along_dim(x, i, dim)))
register(OpDef(name="block_diag", impl=block_diag,
               samples=lambda: [Sample((randn(2, 3), randn(1, 2, seed=1), randn(3, seed=2)))],
               torch_ref=lambda torch, *xs: torch.block_diag(*xs)))
