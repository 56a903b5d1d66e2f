"""The SVD-based pseudo-inverse family: svdvals, pinv, matrix_rank (ug.linalg) and torch's
older pinverse, sharing one rule for which singular values count as zero."""
import numpy as np

from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from .svd import svd


def svdvals(A):
    """torch.linalg.svdvals: the singular values of A (..., m, n), descending."""
    return svd(A, full_matrices=False)[1]


def singular_cutoff(s, shape, atol, rtol):
    """max(atol, rtol * s_max) per matrix, rtol defaulting to eps * max(m, n) without an atol."""
    top = F.amax(s, -1, keepdim=True)
    if rtol is None:
        rtol = max(shape[-2:]) * float(np.finfo(s.dtype.np).eps) if atol is None else 0.0
    tol = F.mul(top, rtol)
    if atol is not None:
        tol = F.maximum(tol, F.full_like(tol, float(atol)))
    return tol


def kept_reciprocals(s, cutoff):
    """(keep, 1/s where kept else 0): the singular values above cutoff, inverted."""
    keep = F.gt(s, cutoff)
    return keep, F.where(keep, F.reciprocal(F.where(keep, s, F.ones_like(s))), F.zeros_like(s))


def pinv(A, atol=None, rtol=None, hermitian=False):
    """torch.linalg.pinv: the Moore-Penrose pseudo-inverse V diag(1/s) U^T, singular values at or
    below max(atol, rtol * s_max) treated as 0 (default rtol: eps * max(m, n), as torch)."""
    U, S, Vh = svd(A, full_matrices=False)
    _, inv_s = kept_reciprocals(S, singular_cutoff(S, A.shape, atol, rtol))
    return F.matmul(F.mul(F.transpose(Vh, -1, -2), F.unsqueeze(inv_s, -2)), F.transpose(U, -1, -2))


def matrix_rank(A, atol=None, rtol=None, hermitian=False):
    """torch.linalg.matrix_rank: how many singular values exceed max(atol, rtol * s_max)."""
    S = svdvals(A)
    return F.sum(F.gt(S, singular_cutoff(S, A.shape, atol, rtol)), -1)


def pinverse(input, rcond=1e-15):
    """torch.pinverse: linalg.pinv with singular values at or below rcond * s_max taken as 0.

    Example::

        >>> ug.pinverse(ug.tensor([[2.0, 0.0], [0.0, 0.0]]))
        tensor([[0.5, 0. ],
                [0. , 0. ]])
    """
    return pinv(input, rtol=rcond)


register(OpDef(name="pinverse", impl=pinverse, variants=Variants(methods=("pinverse",)),
               samples=lambda: [Sample((randn(4, 3),)), Sample((randn(2, 3, 5, seed=1),), {"rcond": 1e-10})],
               torch_ref=lambda torch, x, rcond=1e-15: torch.pinverse(x, rcond)))
