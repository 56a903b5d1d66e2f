"""matrix_norm: torch.linalg.matrix_norm, a composite: Frobenius, the 1 and inf norms (the largest
column and row sums of |A|), and from the singular values (svd) the spectral (2, -2) and nuclear
('nuc') norms."""
import math

from ...errors import InvalidArgumentError
from .. import api as F
from ..dispatch import dispatch
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import normalize_dim
from .svd import svd_op
from .vector_norm import vector_norm


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, dtype=None):
    """The ord-norm of the matrices in A's two dims ``dim``, as torch.linalg.matrix_norm: 'fro'
    (Frobenius), 1 / -1 (largest / smallest column sum of ``|A|``) and inf / -inf (row sums).
    2 / -2 (largest / smallest singular value) and 'nuc' (their sum).

    Example::

        >>> A = ug.tensor([[1.0, -2.0], [3.0, 4.0]])
        >>> ug.linalg.matrix_norm(A)
        tensor(5.4772)
        >>> ug.linalg.matrix_norm(A, ord=1), ug.linalg.matrix_norm(A, ord=float("inf"))
        (tensor(6.), tensor(7.))
    """
    if A.ndim < 2:
        raise InvalidArgumentError(f"linalg.matrix_norm: A must have at least 2 dims, got shape {tuple(A.shape)}")
    d0, d1 = (normalize_dim("matrix_norm", d, A.ndim) for d in dim)
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim, dtype)
    if ord in (2, -2, "nuc"):
        order = [i for i in range(A.ndim) if i not in (d0, d1)] + [d0, d1]
        moved = F.permute(A if dtype is None else F.to_dtype(A, dtype), order)
        s = dispatch(svd_op, (moved,), {})[1]
        out = F.sum(s, -1) if ord == "nuc" else (F.amax if ord == 2 else F.amin)(s, -1)
        if keepdim:
            out = F.unsqueeze(F.unsqueeze(out, min(d0, d1)), max(d0, d1))
        return out
    if ord not in (1, -1, math.inf, -math.inf):
        raise InvalidArgumentError(f"linalg.matrix_norm: ord must be 'fro', 'nuc', 1, -1, 2, -2, inf or -inf, got {ord!r}")
    if dtype is not None:
        A = F.to_dtype(A, dtype)
    summed, other = (d0, d1) if ord in (1, -1) else (d1, d0)  # 1: sums down columns, inf: along rows
    sums = F.sum(F.abs(A), dim=summed, keepdim=True)
    pick = F.amax if ord > 0 else F.amin
    out = pick(sums, dim=other, keepdim=True)
    return out if keepdim else F.squeeze(F.squeeze(out, max(d0, d1)), min(d0, d1))


register(OpDef(name="matrix_norm", impl=matrix_norm, variants=Variants(function=False),
               samples=lambda: [Sample((randn(3, 4),), {}), Sample((randn(2, 3, 4),), {"ord": 1}),
                                Sample((randn(3, 4),), {"ord": float("inf"), "keepdim": True}),
                                Sample((randn(4, 2, 3),), {"ord": -1, "dim": (0, 2)}),
                                Sample((randn(3, 3),), {"ord": float("-inf")}),
                                Sample((randn(3, 4),), {"ord": 2}, name="spectral"),
                                Sample((randn(2, 4, 3),), {"ord": -2, "keepdim": True}, name="smallest"),
                                Sample((randn(3, 2, 4),), {"ord": "nuc", "dim": (0, 2)}, name="nuclear")],
               torch_ref=lambda torch, A, ord="fro", dim=(-2, -1), keepdim=False: torch.linalg.matrix_norm(
                   A, ord, dim, keepdim)))
