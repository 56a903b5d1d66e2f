"""eigh: the eigendecomposition A = Q diag(L) Q^T of a real symmetric matrix (batched), through
NumPy's LAPACK (syevd), eigenvalues ascending.

As LAPACK (and torch) it reads one triangle of A, the lower one by default (UPLO='L'): the other
is never looked at. Each eigenvector's sign is fixed (its largest-magnitude entry positive), so
results agree across LAPACK builds. The gradient is written in ops: with F_ij = 1 / (l_j - l_i)
(0 on the diagonal),
  G = Q [diag(gL) + F * (Q^T gQ)] Q^T,
the gradient for a symmetric change of A (torch's gA). The op returns it on the entries it read
(G + G^T below the diagonal, G on it, 0 above, for UPLO='L'), which is what finite differences
of those entries give; any symmetric use of A upstream gets the same gradient as torch's.
Eigenvectors carry gradient only where the eigenvalues are distinct, as in torch.
"""
from ...errors import InvalidArgumentError, ShapeError
from .. import api as F
from ..dispatch import dispatch
from ..operands import as_float_tensor
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec
from .spectral import off_diagonal_reciprocal, peak_signs, torch_peak_signs


def _forward(xp, a, upper=False):
    values, vectors = xp.linalg.eigh(a, UPLO="U" if upper else "L")
    return values, vectors * peak_signs(xp, vectors)


def _read_triangle(g, upper):
    """The gradient on the entries of the triangle eigh read, from G for symmetric changes."""
    gt = F.transpose(g, -1, -2)
    return F.add(F.triu(g), F.triu(gt, 1)) if upper else F.add(F.tril(g), F.tril(gt, -1))


def _backward(ctx, g_values, g_vectors):
    values, q = ctx.output(0), ctx.output(1)
    n = values.shape[-1]
    eye = F.eye(n, dtype=values.dtype, device=values.device)
    inner = F.mul(F.unsqueeze(g_values, -1), eye) if g_values is not None else F.zeros_like(eye)
    qt = F.transpose(q, -1, -2)
    if g_vectors is not None:
        gap = F.sub(F.unsqueeze(values, -2), F.unsqueeze(values, -1))  # l_j - l_i
        inv_gap = off_diagonal_reciprocal(gap, eye)
        inner = F.add(inner, F.mul(inv_gap, F.matmul(qt, g_vectors)))
    return (_read_triangle(F.matmul(q, F.matmul(inner, qt)), ctx.attrs.get("upper", False)),)


def _infer(a, upper=False):
    if len(a.shape) < 2 or a.shape[-1] != a.shape[-2]:
        raise ShapeError(f"linalg.eigh: expected square matrices in the last two dims, got shape {tuple(a.shape)}")
    return Spec(tuple(a.shape[:-1]), a.dtype), Spec(tuple(a.shape), a.dtype)


def _torch_ref(torch, a, upper=False):
    """torch.linalg.eigh of the symmetric matrix made of the triangle it reads, signs fixed."""
    full = (a.triu() + a.triu(1).mT) if upper else (a.tril() + a.tril(-1).mT)
    values, vectors = torch.linalg.eigh(full)
    return values, vectors * torch_peak_signs(torch, vectors)


def _samples():
    # random (non-symmetric) matrices: only one triangle counts, and the other must get no gradient
    return [Sample((randn(4, 4),)), Sample((randn(3, 3, seed=1),), {"upper": True}, name="upper"),
            Sample((randn(2, 3, 3, seed=2),), name="batched")]


eigh_op = OpDef(
    name="eigh", forward=_forward, backward=_backward, infer=_infer, n_outputs=2, diff_outputs=(0, 1),
    saves_outputs=True, variants=Variants(function=False), samples=_samples, torch_ref=_torch_ref)


def _uplo(name, UPLO):
    if UPLO not in ("L", "U"):
        raise InvalidArgumentError(f"linalg.{name}: UPLO must be 'L' or 'U', got {UPLO!r}")
    return {"upper": UPLO == "U"}


def eigh(A, UPLO="L"):
    """torch.linalg.eigh: (L, Q) with A = Q @ diag(L) @ Q.mT for symmetric A (..., n, n), L
    ascending. Reads only the lower triangle (UPLO='L') or the upper one ('U'). Each column of Q
    has its largest-magnitude entry positive.

    Example::

        >>> L, Q = ug.linalg.eigh(ug.tensor([[2.0, 1.0], [1.0, 2.0]]))
        >>> L
        tensor([1., 3.])
    """
    return dispatch(eigh_op, (as_float_tensor(A),), _uplo("eigh", UPLO))


def eigvalsh(A, UPLO="L"):
    """torch.linalg.eigvalsh: the eigenvalues of symmetric A (..., n, n), ascending."""
    return dispatch(eigh_op, (as_float_tensor(A),), _uplo("eigvalsh", UPLO))[0]


register(eigh_op)
