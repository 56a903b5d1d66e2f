"""ug.linalg: torch.linalg's norms, inverse, determinants, solve, matrix powers, Cholesky factors, QR, SVD
(svdvals, pinv, matrix_rank on it), cond, cross, diagonal, lstsq, multi_dot, solve_triangular,
vander, vecdot and matrix_exp (the ops live
in unigrad/ops/linalg/)."""

from .errors import InvalidArgumentError
from .ops import api as F
from .ops.linalg.cholesky import cholesky
from .ops.linalg.eigh import eigh, eigvalsh
from .ops.linalg.inverse import det, inverse as inv, matrix_power, slogdet, solve
from .ops.linalg.linalg_extras import cond, cross, diagonal, lstsq, multi_dot, solve_triangular, vander, vecdot
from .ops.linalg.matrix_exp import matrix_exp
from .ops.linalg.matrix_norm import matrix_norm
from .ops.linalg.pseudo_inverse import matrix_rank, pinv, svdvals
from .ops.linalg.qr import qr
from .ops.linalg.svd import svd
from .ops.linalg.vector_norm import vector_norm

__all__ = ["norm", "vector_norm", "matrix_norm", "inv", "det", "slogdet", "solve", "matrix_power", "cholesky", "svd",
           "svdvals", "pinv", "matrix_rank", "qr", "eigh", "eigvalsh", "cond", "cross", "diagonal", "lstsq", "multi_dot",
           "solve_triangular", "vander", "vecdot", "matrix_exp"]


def norm(A, ord=None, dim=None, keepdim=False, dtype=None):
    """torch.linalg.norm: with ord None, the 2-norm of A over dim (all elements when dim is None);
    with ord and an int dim (or a 1-D A), a vector norm; with ord and a 2-tuple dim (or a 2-D A),
    a matrix norm.

    Example::

        >>> ug.linalg.norm(ug.tensor([[3.0, 4.0], [0.0, 0.0]]))
        tensor(5.)
        >>> ug.linalg.norm(ug.tensor([[1.0, -2.0], [3.0, 4.0]]), ord=1)
        tensor(6.)
    """
    if isinstance(dim, int):
        dim = (dim,)
    if ord is None:
        return vector_norm(A, 2, dim, keepdim, dtype)
    if dim is None:
        if A.ndim not in (1, 2):
            raise InvalidArgumentError(f"linalg.norm: with ord={ord!r} and dim=None, A must be 1-D or 2-D, got shape "
                                       f"{tuple(A.shape)}; give dim")
        dim = tuple(range(A.ndim))
    if len(dim) == 1:
        if isinstance(ord, str):
            raise InvalidArgumentError(f"linalg.norm: ord={ord!r} is a matrix norm; give two dims")
        return vector_norm(A, ord, dim, keepdim, dtype)
    if len(dim) == 2:
        return matrix_norm(A, ord, dim, keepdim, dtype)
    raise InvalidArgumentError(f"linalg.norm: dim must name 1 or 2 dims, got {dim}")
