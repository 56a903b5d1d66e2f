"""diagonal, diag and trace: a matrix's diagonals read (an advanced index, so a copy) and a
vector placed on one, as torch's; composites of movedim, indexing, eye and pad."""
import numpy as np

from ...core.tensor import tensor as _tensor
from ...errors import ShapeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import normalize_dim


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The offset-th diagonal of the matrices in dims dim1 and dim2 (offset > 0 above the main
    one), as the last dim of the result, as torch.diagonal (a copy here, not a view).

    Example::

        >>> ug.diagonal(ug.arange(9).reshape(3, 3), 1)
        tensor([1, 5])
    """
    if input.ndim < 2:
        raise ShapeError(f"diagonal: input must have at least 2 dims, got shape {tuple(input.shape)}")
    d1, d2 = normalize_dim("diagonal", dim1, input.ndim), normalize_dim("diagonal", dim2, input.ndim)
    if d1 == d2:
        raise ShapeError(f"diagonal: dim1 and dim2 must differ, both are {d1}")
    x = F.permute(input, tuple(d for d in range(input.ndim) if d not in (d1, d2)) + (d1, d2))
    rows, cols = x.shape[-2], x.shape[-1]
    n = max(0, min(rows + min(offset, 0), cols - max(offset, 0)))
    r = _tensor(np.arange(n) + max(-offset, 0), device=input.device)
    c = _tensor(np.arange(n) + max(offset, 0), device=input.device)
    return x[..., r, c]


def diag(input, diagonal=0):
    """For a 1-D input, the square matrix with input on its diagonal-th diagonal; for a 2-D one,
    that diagonal as a vector (torch.diag).

    Example::

        >>> ug.diag(ug.tensor([1.0, 2.0]))
        tensor([[1., 0.],
                [0., 2.]])
        >>> ug.diag(ug.tensor([[1, 2], [3, 4]]), -1)
        tensor([3])
    """
    if input.ndim == 2:
        return F.diagonal(input, diagonal)
    if input.ndim != 1:
        raise ShapeError(f"diag: input must be 1-D or 2-D, got shape {tuple(input.shape)}")
    n, k = input.shape[0], abs(diagonal)
    square = F.mul(F.eye(n, dtype=input.dtype, device=input.device), F.unsqueeze(input, 0))
    if not k:
        return square
    pads = (k, 0, 0, k) if diagonal > 0 else (0, k, k, 0)  # (left, right, top, bottom)
    return F.pad(square, pads)


def trace(input):
    """The sum of a 2-D input's main diagonal (torch.trace).

    Example::

        >>> ug.trace(ug.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor(5.)
    """
    if input.ndim != 2:
        raise ShapeError(f"trace: input must be 2-D, got shape {tuple(input.shape)}")
    return F.sum(F.diagonal(input))


register(OpDef(name="diagonal", impl=diagonal, variants=Variants(methods=("diagonal",)),
               samples=lambda: [Sample((randn(3, 4),)), Sample((randn(3, 4),), {"offset": 2}),
                                Sample((randn(2, 3, 4),), {"offset": -1, "dim1": 2, "dim2": 0}),
                                Sample((randn(3, 3),), {"offset": 5})],
               torch_ref=lambda torch, x, offset=0, dim1=0, dim2=1: torch.diagonal(x, offset, dim1, dim2)))
register(OpDef(name="diag", impl=diag, variants=Variants(methods=("diag",)),
               samples=lambda: [Sample((randn(3),)), Sample((randn(3),), {"diagonal": 2}),
                                Sample((randn(4),), {"diagonal": -1}), Sample((randn(3, 4),), {"diagonal": 1})],
               torch_ref=lambda torch, x, diagonal=0: torch.diag(x, diagonal)))
register(OpDef(name="trace", impl=trace, variants=Variants(methods=("trace",)),
               samples=lambda: [Sample((randn(3, 3),)), Sample((randn(2, 4),))],
               torch_ref=lambda torch, x: torch.trace(x)))
