"""What svd and eigh share: each singular/eigen-vector's sign fixed by its largest-magnitude
entry (so results agree across LAPACK builds; also in torch, for their conformance oracles), and
the 1 / (gap) matrix off the diagonal that their gradients multiply by."""
from .. import api as F


def peak_signs(xp, u):
    """+-1 per column of u: the sign of its largest-magnitude entry (1 for a zero column)."""
    pick = xp.argmax(xp.abs(u), axis=-2)[..., None, :]  # (..., 1, k): the row of each column's peak
    sign = xp.sign(xp.take_along_axis(u, pick, axis=-2))
    return xp.where(sign == 0, 1, sign)


def torch_peak_signs(torch, u):
    """peak_signs in torch."""
    sign = torch.sign(u.gather(-2, u.abs().argmax(-2, keepdim=True)))
    return torch.where(sign == 0, torch.ones_like(sign), sign)


def off_diagonal_reciprocal(gap, eye):
    """1 / gap off the diagonal, 0 on it (where the gap is 0 by construction)."""
    return F.where(F.eq(eye, 1), F.zeros_like(gap), F.reciprocal(F.add(gap, eye)))
