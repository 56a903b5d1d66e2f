"""normalize, cosine_similarity and pairwise_distance (torch.nn.functional's), composites."""
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """input divided by its p-norm along dim (at least eps), as torch's normalize.

    Example::

        >>> ug.nn.functional.normalize(ug.tensor([[3.0, 4.0]]))
        tensor([[0.6, 0.8]])
    """
    return F.div(input, F.clamp(F.norm(input, p, dim, keepdim=True), min=eps))


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """``x1 . x2 / max(|x1| * |x2|, eps)`` along dim, broadcasting, as torch's cosine_similarity.

    Example::

        >>> ug.nn.functional.cosine_similarity(ug.tensor([[1.0, 0.0]]), ug.tensor([[1.0, 1.0]]))
        tensor([0.7071])
    """
    a, b = F.broadcast_tensors(x1, x2)
    dot = F.sum(F.mul(a, b), dim)
    norms = F.mul(F.sqrt(F.sum(F.mul(a, a), dim)), F.sqrt(F.sum(F.mul(b, b), dim)))
    return F.div(dot, F.clamp(norms, min=eps))


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """``||x1 - x2 + eps||_p`` over the last dim, as torch's pairwise_distance.

    Example::

        >>> ug.nn.functional.pairwise_distance(ug.tensor([[0.0, 0.0]]), ug.tensor([[3.0, 4.0]]), eps=0.0)
        tensor([5.])
    """
    return F.norm(F.add(F.sub(x1, x2), eps), p, -1, keepdim=keepdim)


register(OpDef(name="normalize", impl=normalize, variants=Variants(function=False, functional=True),
               samples=lambda: [Sample((randn(3, 4),)), Sample((randn(2, 3, 4),), {"p": 1.0, "dim": -1})],
               torch_ref=lambda torch, x, **kw: torch.nn.functional.normalize(x, **kw)))
register(OpDef(name="cosine_similarity", impl=cosine_similarity, variants=Variants(functional=True),
               samples=lambda: [Sample((randn(3, 4), randn(3, 4, seed=1))), Sample((randn(2, 3, 4), randn(4, seed=1)), {"dim": -1})],
               torch_ref=lambda torch, a, b, **kw: torch.nn.functional.cosine_similarity(a, b, **kw)))
register(OpDef(name="pairwise_distance", impl=pairwise_distance, variants=Variants(functional=True),
               samples=lambda: [Sample((randn(3, 4), randn(3, 4, seed=1))), Sample((randn(3, 4), randn(4, seed=1)),
                                                                                 {"p": 1.0, "keepdim": True})],
               torch_ref=lambda torch, a, b, **kw: torch.nn.functional.pairwise_distance(a, b, **kw)))
