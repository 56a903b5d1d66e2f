"""torch's older linear-algebra names that programs still call: torch.svd (U, S, V with V not
transposed, `some` for the reduced factors) and torch.chain_matmul (multi_dot of its
arguments)."""
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from .linalg_extras import multi_dot
from .svd import svd as linalg_svd


def svd_legacy(input, some=True, compute_uv=True):
    """torch.svd: (U, S, V) with input = U diag(S) V^T; some=True (the default) gives the reduced
    factors, some=False the full ones; compute_uv=False gives zero U and V of the full shapes
    (S alone is meaningful), as torch.

    Example::

        >>> U, S, V = ug.svd(ug.tensor([[3.0, 0.0], [0.0, -2.0]]))
        >>> S
        tensor([3., 2.])
    """
    U, S, Vh = linalg_svd(input, full_matrices=not some)
    V = F.transpose(Vh, -1, -2)
    if compute_uv:
        return U, S, V
    m, n = input.shape[-2:]
    lead = tuple(input.shape[:-2])
    return (F.zeros(*(lead + (m, m)), dtype=input.dtype, device=input.device), S,
            F.zeros(*(lead + (n, n)), dtype=input.dtype, device=input.device))


def chain_matmul(*matrices):
    """The product of the given matrices (torch.chain_matmul, deprecated there for linalg.multi_dot).

    Example::

        >>> ug.chain_matmul(ug.eye(2), ug.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor([[1., 2.],
                [3., 4.]])
    """
    if len(matrices) == 1:
        return matrices[0]
    return multi_dot(matrices)


register(OpDef(name="svd_legacy", impl=svd_legacy, variants=Variants(function=False, aliases=("svd",), methods=("svd",)),
               samples=lambda: [Sample((randn(4, 3),)), Sample((randn(2, 3, 5, seed=1),), name="batched wide"),
                                Sample((randn(3, 3, seed=2),), {"compute_uv": False}, name="values only",
                                       grad=False)],  # (S's gradient is the batched sample's)
               torch_ref=lambda torch, x, some=True, compute_uv=True: _torch_svd(torch, x, some, compute_uv)))
register(OpDef(name="chain_matmul", impl=chain_matmul,
               samples=lambda: [Sample((randn(3, 4), randn(4, 2, seed=1), randn(2, 5, seed=2)))],
               torch_ref=lambda torch, *ms: torch.linalg.multi_dot(ms)))


def _torch_svd(torch, x, some, compute_uv):
    """torch.svd with each singular-vector pair's sign fixed as unigrad fixes it (the largest
    entry of each U column positive): the factors are unique only up to that sign."""
    U, S, V = torch.svd(x, some=some, compute_uv=compute_uv)
    if not compute_uv:
        return U, S, V
    from .spectral import torch_peak_signs
    signs = torch_peak_signs(torch, U)
    return U * signs, S, V * signs
