"""unique_consecutive and unravel_index: runs of equal neighbours collapsed to one element (torch
.unique_consecutive), and flat indices turned into per-dim coordinates (torch.unravel_index),
composites of comparisons, masked selection, cumsum and integer arithmetic."""
import numpy as np

from ...core.tensor import tensor as _tensor
from ...errors import InvalidArgumentError, OutOfBoundsError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..spec import normalize_dim


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """input with each run of equal consecutive elements (with dim: equal consecutive slices
    along dim) kept once; return_inverse adds, for each element (slice), the index of its run,
    return_counts each run's length (torch.unique_consecutive).

    Example::

        >>> ug.unique_consecutive(ug.tensor([1, 1, 2, 2, 3, 1, 1]))
        tensor([1, 2, 3, 1])
        >>> _, inverse, counts = ug.unique_consecutive(ug.tensor([5, 5, 7]), return_inverse=True, return_counts=True)
        >>> inverse, counts
        (tensor([0, 0, 1]), tensor([2, 1]))
    """
    if dim is None:
        x, d = F.reshape(input, (-1,)), 0
    else:
        x, d = input, normalize_dim("unique_consecutive", dim, max(input.ndim, 1))
    n = x.shape[d] if x.ndim else 1
    if n == 0:
        values, inverse = x, F.zeros(0, dtype="int64", device=x.device)
        counts = F.zeros(0, dtype="int64", device=x.device)
    else:
        changed = F.ne(F.narrow(x, d, 1, n - 1), F.narrow(x, d, 0, n - 1))
        if x.ndim > 1:  # a slice differs when any of its elements does
            changed = F.any(F.movedim(changed, d, 0).reshape(n - 1, -1), 1)
        starts = F.cat([F.ones(1, dtype="bool", device=x.device), changed], 0)
        positions = F.nonzero(starts)[:, 0]
        values = F.index_select(x, d, positions)
        inverse = F.sub(F.cumsum(F.to_dtype(starts, "int64"), 0), 1)
        ends = F.cat([positions[1:], _tensor(np.array([n], dtype=np.int64), device=x.device)], 0)
        counts = F.sub(ends, positions)
    if dim is None and return_inverse:
        inverse = F.reshape(inverse, tuple(input.shape))
    extra = ((inverse,) if return_inverse else ()) + ((counts,) if return_counts else ())
    return (values,) + extra if extra else values


def unravel_index(indices, shape):
    """The coordinates, one int64 tensor per dim of `shape`, of the flat (row-major) indices
    (torch.unravel_index).

    Example::

        >>> ug.unravel_index(ug.tensor([4, 7]), (2, 4))
        (tensor([1, 1]), tensor([0, 3]))
    """
    shape = (int(shape),) if isinstance(shape, int) else tuple(int(s) for s in shape)
    if any(s < 0 for s in shape):
        raise InvalidArgumentError(f"unravel_index: 'shape' cannot have negative values, but got {shape}")
    idx = indices if hasattr(indices, "dtype") else _tensor(np.asarray(indices, dtype=np.int64))
    if idx.dtype.is_floating_point or idx.dtype.name == "bool":
        raise InvalidArgumentError(f"unravel_index: expected 'indices' to be an integer tensor, got {idx.dtype}")
    total = int(np.prod(shape, dtype=np.int64))
    lo, hi = (int(F.min(idx).item()), int(F.max(idx).item())) if idx.numel() else (0, -1)
    if hi >= total or lo < -total:
        raise OutOfBoundsError(f"unravel_index: an index in [{lo}, {hi}] is out of bounds for shape {shape} "
                               f"({total} elements)")
    flat = F.remainder(idx, total) if total else idx
    out, stride = [], total
    for size in shape:
        stride //= max(size, 1)
        out.append(F.remainder(F.floor_divide(flat, max(stride, 1)), max(size, 1)))
    return tuple(out)


def _samples():
    return [Sample((np.array([1.0, 1.0, 2.0, 2.0, 2.0, 3.0, 1.0]),), {"return_inverse": True, "return_counts": True},
                   grad=False),
            Sample((np.array([[1.0, 1.0, 2.0], [1.0, 1.0, 2.0], [0.0, 1.0, 2.0]]),), {"dim": 0, "return_counts": True},
                   grad=False),
            Sample((np.array([[3.0, 3.0], [3.0, 1.0]]),), {"return_inverse": True}, grad=False)]


register(OpDef(name="unique_consecutive", impl=unique_consecutive, variants=Variants(methods=("unique_consecutive",)),
               samples=_samples, torch_ref=lambda torch, x, **kw: torch.unique_consecutive(x, **kw)))
register(OpDef(name="unravel_index", impl=unravel_index,
               samples=lambda: [Sample((np.array([0, 5, 11, -1]), (3, 4)), grad=False),
                                Sample((np.array([[7, 2]]), (2, 2, 2)), grad=False)],
               torch_ref=lambda torch, i, shape: torch.unravel_index(i, shape)))
