"""dist and pdist: the p-norm distance of two tensors and the pairwise distances between the
rows of one matrix (torch.dist, torch.pdist), composites of vector_norm."""
import numpy as np

from ...core.tensor import tensor as _tensor
from ...errors import ShapeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from .vector_norm import vector_norm


def dist(input, other, p=2):
    """``vector_norm(input - other, p)`` over all elements, broadcasting (torch.dist).

    Example::

        >>> ug.dist(ug.tensor([3.0, 0.0]), ug.tensor([0.0, 4.0]))
        tensor(5.)
    """
    return vector_norm(F.sub(input, other), p)


def pdist(input, p=2):
    """The p-norm distance between every pair of rows i < j of input (N, M), in row-major pair
    order: N (N - 1) / 2 values (torch.pdist).

    Example::

        >>> ug.pdist(ug.tensor([[0.0, 0.0], [3.0, 4.0], [6.0, 8.0]]))
        tensor([ 5., 10.,  5.])
    """
    if input.ndim != 2:
        raise ShapeError(f"pdist only supports 2D tensors, got: {input.ndim}D (shape {tuple(input.shape)})")
    first, second = np.triu_indices(input.shape[0], 1)
    rows = [F.index_select(input, 0, _tensor(i.astype(np.int64), device=input.device)) for i in (first, second)]
    return vector_norm(F.sub(rows[0], rows[1]), p, dim=-1)


register(OpDef(name="dist", impl=dist, variants=Variants(methods=("dist",)),
               samples=lambda: [Sample((randn(3, 4), randn(3, 4, seed=1))), Sample((randn(3, 4), randn(4, seed=1), 3)),
                                Sample((randn(5), randn(5, seed=1), float("inf")), fd=False)],
               torch_ref=lambda torch, a, b, p=2: torch.dist(a, b, p)))
register(OpDef(name="pdist", impl=pdist, variants=Variants(functional=True),
               samples=lambda: [Sample((randn(4, 3),)), Sample((randn(5, 2),), {"p": 1}), Sample((randn(3, 3),), {"p": 3})],
               torch_ref=lambda torch, x, p=2: torch.pdist(x, p)))
