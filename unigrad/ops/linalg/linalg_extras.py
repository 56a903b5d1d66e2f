"""torch.linalg's smaller functions as composites of registered ops: vecdot, multi_dot,
solve_triangular, vander, cross, diagonal, cond and lstsq (ug.linalg exports them)."""
from collections import namedtuple

import numpy as np

from ...errors import InvalidArgumentError, ShapeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from .inverse import inverse, solve
from .matrix_norm import matrix_norm
from .pseudo_inverse import kept_reciprocals, svdvals
from .svd import svd

_LINALG = Variants(function=False)  # ug.linalg.<name>, not ug.<name> (torch.cross and torch.diagonal differ)


def vecdot(x, y, dim=-1):
    """The dot product of x and y along dim, batch dims broadcasting (torch.linalg.vecdot)."""
    return F.sum(F.mul(x, y), dim)


def multi_dot(tensors):
    """The product of a chain of matrices, the first and last may be vectors (torch.linalg.multi_dot)."""
    tensors = list(tensors)
    if len(tensors) < 2:
        raise InvalidArgumentError(f"linalg.multi_dot: expected at least 2 tensors but got {len(tensors)}")
    for k, t in enumerate(tensors):
        allowed = (1, 2) if k in (0, len(tensors) - 1) else (2,)
        if t.ndim not in allowed:
            raise ShapeError(f"linalg.multi_dot: tensor {k} must be {' or '.join(f'{n}-D' for n in allowed)}, got "
                             f"shape {tuple(t.shape)}")
    out = tensors[0]
    for t in tensors[1:]:
        out = F.matmul(out, t)
    return out


def solve_triangular(A, B, *, upper, left=True, unitriangular=False):
    """X with ``A X = B`` (``X A = B`` when left=False) for triangular A: only A's upper (or lower)
    triangle is read, and its diagonal is taken as ones when unitriangular
    (torch.linalg.solve_triangular)."""
    T = F.triu(A) if upper else F.tril(A)
    if unitriangular:
        eye = F.eye(A.shape[-1], dtype=A.dtype, device=A.device)
        T = F.add(F.mul(T, F.rsub(eye, 1.0)), eye)
    if left:
        return solve(T, B)
    return F.transpose(solve(F.transpose(T, -1, -2), F.transpose(B, -1, -2)), -1, -2)


def vander(x, N=None):
    """The Vandermonde matrix of x (..., n): columns x^0, x^1, ..., x^(N-1), N defaulting to n
    (torch.linalg.vander; increasing powers, unlike torch.vander)."""
    n = x.shape[-1] if N is None else int(N)
    if n < 1:
        raise InvalidArgumentError(f"linalg.vander: N must be at least 1, got {n}")
    powers = [F.ones_like(x)]
    for _ in range(n - 1):
        powers.append(F.mul(powers[-1], x))
    return F.stack(powers, -1)


def cross(input, other, dim=-1):
    """The cross product of 3-vectors along dim (default the last), as torch.linalg.cross."""
    return F.cross(input, other, dim=dim)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """torch.linalg.diagonal: the diagonal of the last two dims by default."""
    return F.diagonal(A, offset, dim1, dim2)


def cond(A, p=None):
    """The condition number of A in the p-norm (torch.linalg.cond): the ratio of the largest to
    the smallest singular value for p None, 2 or -2 (the inverse ratio for -2); for the other
    norms (1, -1, inf, -inf, 'fro', 'nuc') norm(A, p) * norm(inv(A), p) of square A."""
    if p in (None, 2, -2):
        s = svdvals(A)
        top, bottom = F.select(s, -1, 0), F.select(s, -1, -1)
        return F.div(bottom, top) if p == -2 else F.div(top, bottom)
    if A.shape[-1] != A.shape[-2]:
        raise ShapeError(f"linalg.cond: with p={p!r} A must be square, got shape {tuple(A.shape)}")
    return F.mul(matrix_norm(A, p), matrix_norm(inverse(A), p))


LstsqResult = namedtuple("LstsqResult", "solution residuals rank singular_values")
_DRIVERS = (None, "gelsy", "gelsd", "gelss", "gels")


def lstsq(A, B, rcond=None, *, driver=None):
    """The least-squares solution X of ``A X = B`` (the minimum-norm one when A is rank-deficient),
    as torch.linalg.lstsq: A (*, m, n), B (*, m, k) or (m,). Computed through the SVD, singular
    values at or below rcond * s_max dropped (rcond defaulting to eps * max(m, n)). What else
    comes back follows the driver, as on PyTorch's CPU: rank for 'gelsy' (the default), 'gelsd'
    and 'gelss'; singular_values for 'gelsd' and 'gelss'; residuals (squared, per column) for
    'gelsd', 'gelss' and 'gels' when m > n and every A has full rank; empty tensors otherwise."""
    if driver not in _DRIVERS:
        raise InvalidArgumentError(f"linalg.lstsq: driver must be one of {list(_DRIVERS[1:])}, got {driver!r}")
    vector = B.ndim == 1
    b = F.unsqueeze(B, -1) if vector else B
    if A.ndim < 2 or b.shape[-2] != A.shape[-2]:
        raise ShapeError(f"linalg.lstsq: A (*, m, n) and B (*, m, k) must have the same m, got {tuple(A.shape)} and "
                         f"{tuple(B.shape)}")
    U, S, Vh = svd(A, full_matrices=False)
    m, n = A.shape[-2:]
    rcond = float(np.finfo(A.dtype.np).eps) * max(m, n) if rcond is None else float(rcond)
    keep, inv_s = kept_reciprocals(S, F.mul(F.amax(S, -1, keepdim=True), rcond))
    X = F.matmul(F.transpose(Vh, -1, -2), F.mul(F.unsqueeze(inv_s, -1), F.matmul(F.transpose(U, -1, -2), b)))
    rank = F.sum(keep, -1)
    empty = F.zeros(0, dtype=A.dtype, device=A.device)
    residuals = empty
    if driver in ("gelsd", "gelss", "gels") and m > n and bool(F.all(F.eq(rank, n)).item()):
        residuals = F.sum(F.square(F.sub(F.matmul(A, X), b)), -2)
        residuals = F.squeeze(residuals, -1) if vector else residuals
    out_rank = F.zeros(0, dtype="int64", device=A.device) if driver == "gels" else rank
    return LstsqResult(F.squeeze(X, -1) if vector else X, residuals, out_rank,
                       S if driver in ("gelsd", "gelss") else empty)


def _triangular_samples():
    a = randn(3, 3) + 3 * np.eye(3)
    return [Sample((a, randn(3, 2, seed=1)), {"upper": True}), Sample((a, randn(3, 2, seed=1)), {"upper": False}),
            Sample((a, randn(2, 3, seed=2)), {"upper": True, "left": False}),
            Sample((a, randn(3, 2, seed=1)), {"upper": False, "unitriangular": True})]


def _reg(name, fn, samples, torch_ref):
    register(OpDef(name=f"linalg_{name}", impl=fn, variants=_LINALG, samples=samples, torch_ref=torch_ref))


_reg("vecdot", vecdot, lambda: [Sample((randn(3, 4), randn(3, 4, seed=1))), Sample((randn(2, 3), randn(3, seed=1)),
                                                                                   {"dim": -1})],
     lambda torch, x, y, dim=-1: torch.linalg.vecdot(x, y, dim=dim))
_reg("multi_dot", lambda *ts: multi_dot(ts), lambda: [Sample((randn(3), randn(3, 4, seed=1), randn(4, 2, seed=2))),
                                                      Sample((randn(2, 3), randn(3, 5, seed=1), randn(5, seed=2)))],
     lambda torch, *ts: torch.linalg.multi_dot(ts))
_reg("solve_triangular", solve_triangular, _triangular_samples,
     lambda torch, a, b, **kw: torch.linalg.solve_triangular(a, b, **kw))
_reg("vander", vander, lambda: [Sample((randn(4),)), Sample((randn(2, 3),), {"N": 5})],
     lambda torch, x, N=None: torch.linalg.vander(x, N=N))
_reg("cross", cross, lambda: [Sample((randn(4, 3), randn(4, 3, seed=1)))],
     lambda torch, a, b, dim=-1: torch.linalg.cross(a, b, dim=dim))
_reg("diagonal", diagonal, lambda: [Sample((randn(2, 3, 4),), {"offset": 1})],
     lambda torch, a, **kw: torch.linalg.diagonal(a, **kw))
_reg("cond", cond, lambda: [Sample((randn(3, 3) + 2 * np.eye(3),)), Sample((randn(4, 3),), {"p": -2}),
                            Sample((randn(3, 3) + 2 * np.eye(3),), {"p": "fro"}),
                            Sample((randn(2, 3, 3) + 2 * np.eye(3),), {"p": 1}, fd=False)],  # (1-norm: a kink)
     lambda torch, a, p=None: _torch_cond(torch, a, p))


def _torch_cond(torch, a, p):
    """torch.linalg.cond; for the non-spectral norms written out (the same value), since torch's
    own backward there fails ("modified by an inplace operation", torch 2.13)."""
    if p in (None, 2, -2):
        return torch.linalg.cond(a, p)
    return torch.linalg.matrix_norm(a, p) * torch.linalg.matrix_norm(torch.linalg.inv(a), p)
_reg("lstsq", lambda a, b, **kw: lstsq(a, b, **kw).solution,
     lambda: [Sample((randn(5, 3), randn(5, 2, seed=1))), Sample((randn(2, 4, 3), randn(2, 4, 2, seed=1))),
              Sample((randn(2, 4), randn(2, 3, seed=1)), name="wide: minimum norm"),
              Sample((randn(5, 3), randn(5, seed=1)), name="vector B")],
     lambda torch, a, b, **kw: torch.linalg.lstsq(a, b, driver="gelsd", **kw).solution)
