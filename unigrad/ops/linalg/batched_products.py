"""addbmm, baddbmm, addr and vdot: the BLAS-style products torch names, as composites of matmul,
outer and sum with PyTorch's beta/alpha scaling (beta = 0 ignores input, nan included)."""
from ...errors import ShapeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from .products import _scaled


def _batches(name, batch1, batch2):
    if batch1.ndim != 3 or batch2.ndim != 3 or batch1.shape[0] != batch2.shape[0]:
        raise ShapeError(f"{name}: batch1 and batch2 must be (b, n, m) and (b, m, p) with the same b, got "
                         f"{tuple(batch1.shape)} and {tuple(batch2.shape)}")


def _plus(input, product, beta):
    return product if beta == 0 else F.add(_scaled(input, beta), product)


def baddbmm(input, batch1, batch2, beta=1, alpha=1):
    """``beta * input + alpha * (batch1 @ batch2)`` per batch (torch.baddbmm).

    Example::

        >>> ug.baddbmm(ug.zeros(1, 1, 1), ug.ones(1, 1, 2), ug.ones(1, 2, 1), alpha=3)
        tensor([[[6.]]])
    """
    _batches("baddbmm", batch1, batch2)
    return _plus(input, _scaled(F.matmul(batch1, batch2), alpha), beta)


def addbmm(input, batch1, batch2, beta=1, alpha=1):
    """``beta * input + alpha * sum_b(batch1[b] @ batch2[b])`` (torch.addbmm).

    Example::

        >>> ug.addbmm(ug.ones(1, 1), ug.ones(3, 1, 2), ug.ones(3, 2, 1))
        tensor([[7.]])
    """
    _batches("addbmm", batch1, batch2)
    return _plus(input, _scaled(F.sum(F.matmul(batch1, batch2), 0), alpha), beta)


def addr(input, vec1, vec2, beta=1, alpha=1):
    """``beta * input + alpha * outer(vec1, vec2)`` (torch.addr).

    Example::

        >>> ug.addr(ug.zeros(2, 2), ug.tensor([1.0, 2.0]), ug.tensor([1.0, 3.0]))
        tensor([[1., 3.],
                [2., 6.]])
    """
    if vec1.ndim != 1 or vec2.ndim != 1:
        raise ShapeError(f"addr: vec1 and vec2 must be vectors, got {tuple(vec1.shape)} and {tuple(vec2.shape)}")
    return _plus(input, _scaled(F.outer(vec1, vec2), alpha), beta)


def vdot(input, other):
    """The dot product of two 1-D tensors (torch.vdot; for real tensors the same as dot).

    Example::

        >>> ug.vdot(ug.tensor([1.0, 2.0]), ug.tensor([3.0, 4.0]))
        tensor(11.)
    """
    if input.ndim != 1 or other.ndim != 1 or input.shape != other.shape:
        raise ShapeError(f"vdot: expected two 1-D tensors of the same size, got {tuple(input.shape)} and "
                         f"{tuple(other.shape)}")
    return F.sum(F.mul(input, other))


register(OpDef(name="baddbmm", impl=baddbmm, variants=Variants(methods=("baddbmm",), inplace=("baddbmm_",)),
               samples=lambda: [Sample((randn(2, 3, 5), randn(2, 3, 4, seed=1), randn(2, 4, 5, seed=2))),
                                Sample((randn(5), randn(2, 3, 4, seed=1), randn(2, 4, 5, seed=2)),
                                       {"beta": 0.5, "alpha": 2})],
               torch_ref=lambda torch, x, a, b, beta=1, alpha=1: torch.baddbmm(x, a, b, beta=beta, alpha=alpha)))
register(OpDef(name="addbmm", impl=addbmm, variants=Variants(methods=("addbmm",), inplace=("addbmm_",)),
               samples=lambda: [Sample((randn(3, 5), randn(2, 3, 4, seed=1), randn(2, 4, 5, seed=2)),
                                       {"beta": 2, "alpha": 0.5})],
               torch_ref=lambda torch, x, a, b, beta=1, alpha=1: torch.addbmm(x, a, b, beta=beta, alpha=alpha)))
register(OpDef(name="addr", impl=addr, variants=Variants(methods=("addr",), inplace=("addr_",)),
               samples=lambda: [Sample((randn(3, 4), randn(3, seed=1), randn(4, seed=2))),
                                Sample((randn(4), randn(3, seed=1), randn(4, seed=2)), {"beta": 0, "alpha": 3})],
               torch_ref=lambda torch, x, a, b, beta=1, alpha=1: torch.addr(x, a, b, beta=beta, alpha=alpha)))
register(OpDef(name="vdot", impl=vdot, variants=Variants(methods=("vdot",)),
               samples=lambda: [Sample((randn(5), randn(5, seed=1)))],
               torch_ref=lambda torch, a, b: torch.vdot(a, b)))
