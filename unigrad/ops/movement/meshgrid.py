"""meshgrid, broadcast_tensors, vstack, hstack and dstack: tensors brought to one shape or joined,
with torch's names; composites of reshape, broadcast_to and cat."""
import warnings

from ...errors import InvalidArgumentError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import broadcast_shapes


def _tensors(tensors):
    return tuple(tensors[0]) if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) else tuple(tensors)


def meshgrid(*tensors, indexing=None):
    """Coordinate grids from 1-D tensors, as torch.meshgrid: with indexing 'ij' (the default,
    with torch's warning when it is not given) output i varies along dim i; 'xy' swaps the first
    two dims (NumPy's default).

    Example::

        >>> x, y = ug.meshgrid(ug.tensor([1, 2, 3]), ug.tensor([10, 20]), indexing="ij")
        >>> x.shape, y[0]
        (unigrad.Size([3, 2]), tensor([10, 20]))
    """
    tensors = _tensors(tensors)
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
                      UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise InvalidArgumentError(f"meshgrid: indexing must be 'ij' or 'xy', got {indexing!r}")
    if any(t.ndim > 1 for t in tensors):
        raise InvalidArgumentError("meshgrid: expects 0-D or 1-D tensors")
    sizes = [t.numel() for t in tensors]
    swap = indexing == "xy" and len(tensors) >= 2
    if swap:
        sizes[0], sizes[1] = sizes[1], sizes[0]
    out = []
    for i, t in enumerate(tensors):
        pos = (1 - i if i < 2 else i) if swap else i
        shape = [1] * len(tensors)
        shape[pos] = -1
        out.append(F.broadcast_to(F.reshape(t, tuple(shape)), tuple(sizes)))
    return tuple(out)


def broadcast_tensors(*tensors):
    """The tensors broadcast to their common shape (views), as torch.broadcast_tensors.

    Example::

        >>> a, b = ug.broadcast_tensors(ug.ones(3, 1), ug.zeros(4))
        >>> a.shape, b.shape
        (unigrad.Size([3, 4]), unigrad.Size([3, 4]))
    """
    tensors = _tensors(tensors)
    shape = broadcast_shapes("broadcast_tensors", *[tuple(t.shape) for t in tensors])
    return tuple(t if tuple(t.shape) == shape else F.broadcast_to(t, shape) for t in tensors)


def _at_least(t, n):
    if t.ndim >= n:
        return t
    if n == 2:
        return F.reshape(t, (1, -1))
    return F.reshape(t, (1, -1, 1)) if t.ndim <= 1 else F.unsqueeze(t, -1)


def vstack(tensors):
    """The tensors (1-D ones as rows) joined along dim 0 (torch.vstack, also row_stack).

    Example::

        >>> ug.vstack([ug.tensor([1, 2]), ug.tensor([3, 4])])
        tensor([[1, 2],
                [3, 4]])
    """
    return F.cat([_at_least(t, 2) for t in tensors], 0)


def hstack(tensors):
    """The tensors joined along dim 1 (dim 0 when all are 1-D) (torch.hstack).

    Example::

        >>> ug.hstack([ug.tensor([1, 2]), ug.tensor([3])])
        tensor([1, 2, 3])
    """
    tensors = [F.reshape(t, (1,)) if t.ndim == 0 else t for t in tensors]
    return F.cat(tensors, 0 if all(t.ndim == 1 for t in tensors) else 1)


def dstack(tensors):
    """The tensors (as at least 3-D: (1, n, 1) for vectors, (r, c, 1) for matrices) joined along
    dim 2 (torch.dstack).

    Example::

        >>> ug.dstack([ug.tensor([1, 2]), ug.tensor([3, 4])]).shape
        unigrad.Size([1, 2, 2])
    """
    return F.cat([_at_least(t, 3) for t in tensors], 2)


register(OpDef(name="meshgrid", impl=meshgrid,
               samples=lambda: [Sample((randn(3), randn(2, seed=1)), {"indexing": "ij"}),
                                Sample((randn(3), randn(2, seed=1), randn(4, seed=2)), {"indexing": "xy"})],
               torch_ref=lambda torch, *xs, indexing=None: torch.meshgrid(*xs, indexing=indexing)))
register(OpDef(name="broadcast_tensors", impl=broadcast_tensors,
               samples=lambda: [Sample((randn(3, 1), randn(4, seed=1), randn(2, 1, 1, seed=2)))],
               torch_ref=lambda torch, *xs: torch.broadcast_tensors(*xs)))
# (the conformance test passes a sample's tensors one by one, so impl takes them so)
register(OpDef(name="vstack", impl=lambda *xs: vstack(xs), variants=Variants(aliases=("row_stack",)),
               samples=lambda: [Sample((randn(3), randn(3, seed=1))), Sample((randn(2, 3), randn(3, seed=1)))],
               torch_ref=lambda torch, *xs: torch.vstack(xs)), public=vstack)
register(OpDef(name="hstack", impl=lambda *xs: hstack(xs),
               samples=lambda: [Sample((randn(3), randn(2, seed=1))), Sample((randn(2, 3), randn(2, 1, seed=1)))],
               torch_ref=lambda torch, *xs: torch.hstack(xs)), public=hstack)
register(OpDef(name="dstack", impl=lambda *xs: dstack(xs),
               samples=lambda: [Sample((randn(3), randn(3, seed=1))), Sample((randn(2, 3), randn(2, 3, 2, seed=1)))],
               torch_ref=lambda torch, *xs: torch.dstack(xs)), public=dstack)
