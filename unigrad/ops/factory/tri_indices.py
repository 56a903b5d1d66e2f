"""tril_indices and triu_indices: the (row, col) positions of a matrix's lower or upper triangle,
a (2, N) int64 tensor, as torch's (row-major order)."""
import numpy as np

from ...backend import dtypes as _dt
from ...core.tensor import tensor as _tensor
from ..registry import OpDef, Sample, register


def _indices(fn, row, col, offset, dtype, device):
    r, c = fn(row, offset, col)
    return _tensor(np.stack([r, c]).astype(np.int64), dtype=dtype or _dt.int64, device=device)


def tril_indices(row, col, offset=0, *, dtype=None, device=None):
    """The positions on and below the offset-th diagonal of a row x col matrix (torch.tril_indices).

    Example::

        >>> ug.tril_indices(3, 3)
        tensor([[0, 1, 1, 2, 2, 2],
                [0, 0, 1, 0, 1, 2]])
    """
    return _indices(np.tril_indices, row, col, offset, dtype, device)


def triu_indices(row, col, offset=0, *, dtype=None, device=None):
    """The positions on and above the offset-th diagonal of a row x col matrix (torch.triu_indices).

    Example::

        >>> ug.triu_indices(2, 3, 1)
        tensor([[0, 0, 1],
                [1, 2, 2]])
    """
    return _indices(np.triu_indices, row, col, offset, dtype, device)


register(OpDef(name="tril_indices", impl=tril_indices,
               samples=lambda: [Sample((4, 3), grad=False), Sample((3, 5, 1), grad=False), Sample((4, 4, -2), grad=False)],
               torch_ref=lambda torch, r, c, offset=0: torch.tril_indices(r, c, offset)))
register(OpDef(name="triu_indices", impl=triu_indices,
               samples=lambda: [Sample((4, 3), grad=False), Sample((3, 5, 1), grad=False), Sample((4, 4, -2), grad=False)],
               torch_ref=lambda torch, r, c, offset=0: torch.triu_indices(r, c, offset)))
