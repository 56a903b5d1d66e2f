"""qr: A = Q R (batched) with Q's columns orthonormal and R upper-triangular, through NumPy's
LAPACK (Householder, the same sign convention as torch's). The gradient is written in ops: for
a square or tall A (m >= n), with M = R gR^T - gQ^T Q and copyltu(M) the symmetric matrix built
from M's lower triangle,
  gA = (gQ + Q copyltu(M)) R^-T;
for a wide A = Q [U | V] the leading m x m block takes that rule with gQ + A[:, m:] gV^T, and the
rest gets Q gV. It needs R invertible (full rank), as torch's.
"""
from ...errors import InvalidArgumentError, ShapeError
from .. import api as F
from ..dispatch import dispatch
from ..operands import as_float_tensor
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec
from .factor_shapes import factor_shapes


def _forward(xp, a):
    return tuple(xp.linalg.qr(a, mode="reduced"))


def _copyltu(m):
    low = F.tril(m, -1)
    return F.add(F.add(low, F.transpose(low, -1, -2)), F.mul(m, F.eye(m.shape[-1], dtype=m.dtype, device=m.device)))


def _square_rule(q, r, g_q, g_r):
    m = F.sub(F.matmul(r, F.transpose(g_r, -1, -2)), F.matmul(F.transpose(g_q, -1, -2), q))
    return F.matmul(F.add(g_q, F.matmul(q, _copyltu(m))), F.transpose(F.inverse(r), -1, -2))


def _backward(ctx, g_q, g_r):
    a = ctx.inputs[0]
    q, r = ctx.output(0), ctx.output(1)
    g_q = F.zeros_like(q) if g_q is None else g_q
    g_r = F.zeros_like(r) if g_r is None else g_r
    rows, cols = a.shape[-2], a.shape[-1]
    if rows >= cols:
        return (_square_rule(q, r, g_q, g_r),)
    g_v = g_r[..., :, rows:]
    lead = _square_rule(q, r[..., :, :rows], F.add(g_q, F.matmul(a[..., :, rows:], F.transpose(g_v, -1, -2))),
                        g_r[..., :, :rows])
    return (F.cat([lead, F.matmul(q, g_v)], -1),)


def _infer(a):
    batch, m, n, k = factor_shapes("qr", a)
    return Spec(batch + (m, k), a.dtype), Spec(batch + (k, n), a.dtype)


qr_op = OpDef(
    name="qr", forward=_forward, backward=_backward, infer=_infer, n_outputs=2, diff_outputs=(0, 1),
    saves_outputs=True, variants=Variants(function=False),
    samples=lambda: [Sample((randn(5, 3),)), Sample((randn(3, 3, seed=1),), name="square"),
                     Sample((randn(3, 5, seed=2),), name="wide"), Sample((randn(2, 4, 3, seed=3),), name="batched")],
    torch_ref=lambda torch, a: torch.linalg.qr(a))


def qr(A, mode="reduced"):
    """torch.linalg.qr: (Q, R) with A = Q @ R for (..., m, n) A, Q (..., m, k) with orthonormal
    columns and R (..., k, n) upper-triangular, k = min(m, n). mode 'reduced' (the default),
    'complete' (the same factors where m <= n; a tall A's complete Q is not built) or 'r' (R, and
    an empty Q, as torch).

    Example::

        >>> Q, R = ug.linalg.qr(ug.tensor([[3.0, 0.0], [4.0, 5.0]]))
        >>> R
        tensor([[-5., -4.],
                [ 0.,  3.]])
    """
    A = as_float_tensor(A)
    if mode not in ("reduced", "complete", "r"):
        raise InvalidArgumentError(f"linalg.qr: mode must be 'reduced', 'complete' or 'r', got {mode!r}")
    if mode == "complete" and A.ndim >= 2 and A.shape[-2] > A.shape[-1]:
        raise ShapeError(f"linalg.qr: mode='complete' for a tall A of shape {tuple(A.shape)} (an m x m Q) is not "
                         "computed; use mode='reduced'")
    q, r = dispatch(qr_op, (A,), {})
    return (F.zeros(0, dtype=A.dtype, device=A.device), r) if mode == "r" else (q, r)


register(qr_op)
