"""matrix_exp: the exponential of square matrices by scaling and squaring: A / 2^s brought
under 1-norm 1/2, its Taylor series to degree 16 (remainder below 1e-19 of the result), then
squared s times; a composite of matmuls, so its gradient is exact for the series."""
import math

from ...errors import ShapeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn

DEGREE = 16


def matrix_exp(A):
    """``sum_k A^k / k!`` for square A (..., n, n), as torch.matrix_exp / torch.linalg.matrix_exp.

    Example::

        >>> ug.matrix_exp(ug.tensor([[0.0, 1.0], [0.0, 0.0]]))
        tensor([[1., 1.],
                [0., 1.]])
    """
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise ShapeError(f"matrix_exp: expected a square matrix or a batch of them, got shape {tuple(A.shape)}")
    n = A.shape[-1]
    if n == 0 or A.numel() == 0:
        return F.clone(A)
    norm = float(F.amax(F.sum(F.abs(A), -2)).item())  # the largest 1-norm in the batch
    squarings = max(0, math.ceil(math.log2(norm / 0.5))) if norm > 0.5 and math.isfinite(norm) else 0
    X = F.div(A, 2.0 ** squarings) if squarings else A
    eye = F.broadcast_to(F.eye(n, dtype=A.dtype, device=A.device), tuple(A.shape))
    term, total = eye, eye
    for k in range(1, DEGREE + 1):
        term = F.div(F.matmul(term, X), float(k))
        total = F.add(total, term)
    for _ in range(squarings):
        total = F.matmul(total, total)
    return total


register(OpDef(name="matrix_exp", impl=matrix_exp, variants=Variants(methods=("matrix_exp",)),
               samples=lambda: [Sample((randn(3, 3) * 0.3,)), Sample((randn(2, 4, 4, seed=1) * 1.5,), name="scaled"),
                                Sample((randn(1, 1, seed=2),))],
               torch_ref=lambda torch, a: torch.matrix_exp(a)))
