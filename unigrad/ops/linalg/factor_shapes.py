"""The shapes the matrix factorisations (qr, svd) share: batch dims, m, n and k = min(m, n)."""
from ...errors import ShapeError


def factor_shapes(name, a):
    """(batch, m, n, k) of a (..., m, n) operand spec; a clear error below 2 dims."""
    if len(a.shape) < 2:
        raise ShapeError(f"{name}: expected matrices in the last two dims, got shape {tuple(a.shape)}")
    m, n = a.shape[-2:]
    return tuple(a.shape[:-2]), m, n, min(m, n)
