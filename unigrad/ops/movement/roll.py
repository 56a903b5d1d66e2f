"""roll, repeat_interleave, fliplr/flipud and rot90: rearrangements with torch's names, composites
of index_select, flip and transpose (the positions computed once, as a constant index)."""
import numpy as np

from ...core.tensor import Tensor, tensor as _tensor
from ...errors import InvalidArgumentError, ShapeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import normalize_dim


def roll(input, shifts, dims=None):
    """input with its elements shifted by `shifts` along `dims` (wrapping around), as torch.roll;
    dims None rolls the flattened tensor and restores the shape.

    Example::

        >>> ug.roll(ug.tensor([1, 2, 3, 4]), 1)
        tensor([4, 1, 2, 3])
        >>> ug.roll(ug.arange(6).reshape(2, 3), (1, -1), (0, 1))
        tensor([[4, 5, 3],
                [1, 2, 0]])
    """
    if dims is None:
        return F.reshape(roll(F.reshape(input, (-1,)), shifts, 0), tuple(input.shape))
    shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    if len(shifts) != len(dims):
        raise InvalidArgumentError(f"roll: shifts {shifts} and dims {dims} must have the same length")
    out = input
    for s, d in zip(shifts, dims):
        d = normalize_dim("roll", d, input.ndim)
        n = input.shape[d]
        if n and s % n:
            out = F.index_select(out, d, _tensor(np.roll(np.arange(n), s), device=input.device))
    return out


def repeat_interleave(input, repeats, dim=None, output_size=None):
    """Each element (each slice along dim) repeated `repeats` times in place, as
    torch.repeat_interleave: repeats is an int or one count per slice; dim None flattens first.

    Example::

        >>> ug.repeat_interleave(ug.tensor([1, 2]), 2)
        tensor([1, 1, 2, 2])
        >>> ug.tensor([[1, 2], [3, 4]]).repeat_interleave(ug.tensor([1, 2]), dim=0)
        tensor([[1, 2],
                [3, 4],
                [3, 4]])
    """
    if dim is None:
        input, dim = F.reshape(input, (-1,)), 0
    d = normalize_dim("repeat_interleave", dim, max(input.ndim, 1))
    counts = repeats.cpu().numpy() if isinstance(repeats, Tensor) else np.asarray(repeats)
    n = input.shape[d]
    if counts.ndim and counts.size not in (1, n):
        raise ShapeError(f"repeat_interleave: repeats must be one count or {n} (dim {d}'s size), got {counts.size}")
    if (counts < 0).any():
        raise InvalidArgumentError("repeat_interleave: repeats must be non-negative")
    index = np.repeat(np.arange(n), counts.reshape(-1) if counts.size == n and counts.ndim else int(counts.reshape(-1)[0]))
    return F.index_select(input, d, _tensor(index.astype(np.int64), device=input.device))


def fliplr(input):
    """input reversed along dim 1, its columns (torch.fliplr).

    Example::

        >>> ug.fliplr(ug.tensor([[1, 2], [3, 4]]))
        tensor([[2, 1],
                [4, 3]])
    """
    if input.ndim < 2:
        raise ShapeError(f"fliplr: input must have at least 2 dims, got shape {tuple(input.shape)}")
    return F.flip(input, (1,))


def flipud(input):
    """input reversed along dim 0, its rows (torch.flipud).

    Example::

        >>> ug.flipud(ug.tensor([[1, 2], [3, 4]]))
        tensor([[3, 4],
                [1, 2]])
    """
    if input.ndim < 1:
        raise ShapeError("flipud: input must have at least 1 dim")
    return F.flip(input, (0,))


def rot90(input, k=1, dims=(0, 1)):
    """input rotated by 90 degrees k times in the plane of dims, from the first towards the
    second (torch.rot90).

    Example::

        >>> ug.rot90(ug.tensor([[1, 2], [3, 4]]))
        tensor([[2, 4],
                [1, 3]])
    """
    if len(dims) != 2 or input.ndim < 2:
        raise ShapeError(f"rot90: needs two dims of an input with at least 2, got dims {dims} and shape "
                         f"{tuple(input.shape)}")
    a, b = (normalize_dim("rot90", d, input.ndim) for d in dims)
    k %= 4
    if k == 1:
        return F.transpose(F.flip(input, (b,)), a, b)
    if k == 2:
        return F.flip(input, (a, b))
    if k == 3:
        return F.flip(F.transpose(input, a, b), (b,))
    return input


register(OpDef(name="roll", impl=roll, variants=Variants(methods=("roll",)),
               samples=lambda: [Sample((randn(3, 4), 1)), Sample((randn(3, 4), (2, -1), (0, 1))),
                                Sample((randn(5), 7, 0))],
               torch_ref=lambda torch, x, s, d=None: torch.roll(x, s, d)))
register(OpDef(name="repeat_interleave", impl=repeat_interleave, variants=Variants(methods=("repeat_interleave",)),
               samples=lambda: [Sample((randn(2, 3), 2)), Sample((randn(3, 2), np.array([1, 0, 3]), 0)),
                                Sample((randn(2, 3), 2), {"dim": 1})],
               torch_ref=lambda torch, x, r, dim=None: torch.repeat_interleave(x, r, dim)))
register(OpDef(name="fliplr", impl=fliplr, variants=Variants(methods=("fliplr",)),
               samples=lambda: [Sample((randn(3, 4),))], torch_ref=lambda torch, x: torch.fliplr(x)))
register(OpDef(name="flipud", impl=flipud, variants=Variants(methods=("flipud",)),
               samples=lambda: [Sample((randn(3, 4),))], torch_ref=lambda torch, x: torch.flipud(x)))
register(OpDef(name="rot90", impl=rot90, variants=Variants(methods=("rot90",)),
               samples=lambda: [Sample((randn(3, 4),)), Sample((randn(2, 3, 4), 2, (1, 2))),
                                Sample((randn(3, 4), -1)), Sample((randn(3, 4), 4))],
               torch_ref=lambda torch, x, k=1, dims=(0, 1): torch.rot90(x, k, dims)))
