"""svd: the reduced singular value decomposition A = U diag(S) Vh (batched), through NumPy's LAPACK.

Singular vectors are defined up to a sign per pair; LAPACK builds pick differently, so each
pair is normalised (the largest-magnitude entry of every column of U made positive, its Vh row
flipped with it) and results agree across libraries. The gradient (the real case of the usual
formula, as torch's svd_backward) is written in ops:
  gA = U [sym_J S + S sym_K + diag(gS)] Vh + (I - U U^T) gU S^-1 Vh + U S^-1 gVh (I - V V^T)
with F_ij = 1 / (s_j^2 - s_i^2) (0 on the diagonal), J = F * (U^T gU), K = F * (Vh gVh^T) and
sym_X = X + X^T. It needs distinct, non-zero singular values where U or Vh carry gradient (as in
torch); S alone is differentiable everywhere: gA = U diag(gS) Vh.
"""
from .. import api as F
from ..dispatch import dispatch
from ..operands import as_float_tensor
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec
from .factor_shapes import factor_shapes
from .spectral import off_diagonal_reciprocal, peak_signs, torch_peak_signs


def _normalise(xp, u, s, vh):
    """Each pair's sign from U's column; with the complete bases (full_matrices) the columns of U
    and rows of Vh past k (a basis of the complement, without a partner) each by its own peak."""
    k = s.shape[-1]
    sign = peak_signs(xp, u[..., :k])
    u_sign, vh_sign = sign, xp.swapaxes(sign, -1, -2)
    if u.shape[-1] > k:
        u_sign = xp.concatenate([sign, peak_signs(xp, u[..., k:])], axis=-1)
    if vh.shape[-2] > k:
        vh_sign = xp.concatenate([vh_sign, xp.swapaxes(peak_signs(xp, xp.swapaxes(vh[..., k:, :], -1, -2)), -1, -2)],
                                 axis=-2)
    return u * u_sign, s, vh * vh_sign


def _forward(xp, a, full_matrices=False):
    u, s, vh = xp.linalg.svd(a, full_matrices=full_matrices)
    return _normalise(xp, u, s, vh)


def _backward(ctx, g_u, g_s, g_vh):
    u, s, vh = ctx.output(0), ctx.output(1), ctx.output(2)
    k = s.shape[-1]
    if ctx.attrs.get("full_matrices"):  # the complement's basis carries no gradient (as in torch)
        u, vh = u[..., :k], vh[..., :k, :]
        g_u = None if g_u is None else g_u[..., :k]
        g_vh = None if g_vh is None else g_vh[..., :k, :]
    ut, v = F.transpose(u, -1, -2), F.transpose(vh, -1, -2)
    eye = F.eye(k, dtype=s.dtype, device=s.device)
    middle = F.mul(F.unsqueeze(g_s, -1), eye) if g_s is not None else F.zeros_like(eye)
    extra = None
    if g_u is not None or g_vh is not None:
        s_row, s_col = F.unsqueeze(s, -2), F.unsqueeze(s, -1)
        gap = F.sub(F.mul(s_row, s_row), F.mul(s_col, s_col))  # s_j^2 - s_i^2
        inv_gap = off_diagonal_reciprocal(gap, eye)
        inv_s = F.reciprocal(s)
        if g_u is not None:
            j = F.mul(inv_gap, F.matmul(ut, g_u))
            middle = F.add(middle, F.mul(F.add(j, F.transpose(j, -1, -2)), F.unsqueeze(s, -2)))  # (J + J^T) S
            away = F.sub(g_u, F.matmul(u, F.matmul(ut, g_u)))  # (I - U U^T) gU
            extra = F.matmul(F.mul(away, F.unsqueeze(inv_s, -2)), vh)
        if g_vh is not None:
            kk = F.mul(inv_gap, F.matmul(vh, F.transpose(g_vh, -1, -2)))
            middle = F.add(middle, F.mul(F.unsqueeze(s, -1), F.add(kk, F.transpose(kk, -1, -2))))  # S (K + K^T)
            away = F.sub(g_vh, F.matmul(F.matmul(g_vh, v), vh))  # gVh (I - V V^T)
            term = F.matmul(F.mul(u, F.unsqueeze(inv_s, -2)), away)
            extra = term if extra is None else F.add(extra, term)
    grad = F.matmul(u, F.matmul(middle, vh))
    return (grad if extra is None else F.add(grad, extra),)


def _infer(a, full_matrices=False):
    batch, m, n, k = factor_shapes("svd", a)
    u_cols, vh_rows = (m, n) if full_matrices else (k, k)
    return Spec(batch + (m, u_cols), a.dtype), Spec(batch + (k,), a.dtype), Spec(batch + (vh_rows, n), a.dtype)


def _torch_ref(torch, a, full_matrices=False):
    u, s, vh = torch.linalg.svd(a, full_matrices=full_matrices)
    k = s.shape[-1]
    sign = torch_peak_signs(torch, u[..., :k])
    u_sign = torch.cat([sign, torch_peak_signs(torch, u[..., k:])], -1) if u.shape[-1] > k else sign
    vh_sign = torch.cat([sign.mT, torch_peak_signs(torch, vh[..., k:, :].mT).mT], -2) if vh.shape[-2] > k else sign.mT
    return u * u_sign, s, vh * vh_sign


svd_op = OpDef(
    name="svd", forward=_forward, backward=_backward, infer=_infer, n_outputs=3, diff_outputs=(0, 1, 2),
    saves_outputs=True, variants=Variants(function=False),
    samples=lambda: [Sample((randn(4, 3),)), Sample((randn(3, 5, seed=1),), name="wide"),
                     Sample((randn(2, 3, 3, seed=2),), name="batched"),
                     # the complete bases: one extra column (tall) or row (wide), unique up to the sign
                     # fixed here; their gradient is dropped, as torch's, so finite differences disagree
                     Sample((randn(4, 3, seed=3),), {"full_matrices": True}, name="full_tall", fd=False),
                     Sample((randn(2, 3, seed=4),), {"full_matrices": True}, name="full_wide", fd=False)],
    torch_ref=_torch_ref)


def svd(A, full_matrices=True):
    """torch.linalg.svd: (U, S, Vh) with A = U[..., :k] @ diag(S) @ Vh[..., :k, :], S descending, for
    (..., m, n) A and k = min(m, n). full_matrices=True (torch's default) gives U (m, m) and Vh
    (n, n), completed by an orthonormal basis of the rest (which, as in torch, carries no
    gradient); False gives the reduced (m, k) and (k, n). Each singular-vector pair's sign is
    fixed (the largest entry of each U column positive), so results are reproducible.

    Example::

        >>> U, S, Vh = ug.linalg.svd(ug.tensor([[3.0, 0.0], [0.0, -2.0]]))
        >>> S
        tensor([3., 2.])
    """
    A = as_float_tensor(A)
    square = A.ndim >= 2 and A.shape[-1] == A.shape[-2]
    return dispatch(svd_op, (A,), {"full_matrices": bool(full_matrices) and not square})


register(svd_op)
