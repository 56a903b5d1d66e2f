"""CosineSimilarity and PairwiseDistance (torch.nn.modules.distance)."""
from ..functional import cosine_similarity, pairwise_distance
from .module import Module


class CosineSimilarity(Module):
    """The cosine of the angle between x1 and x2 along dim (torch.nn.CosineSimilarity).

    Shape:
        - Input: ``x1`` and ``x2`` broadcasting against each other.
        - Output: their broadcast shape without dim.

    Example::

        >>> ug.nn.CosineSimilarity()(ug.tensor([[1.0, 0.0]]), ug.tensor([[2.0, 0.0]]))
        tensor([1.])
    """
    def __init__(self, dim=1, eps=1e-8):
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1, x2):
        return cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """``||x1 - x2 + eps||_p`` over the last dim (torch.nn.PairwiseDistance).

    Shape:
        - Input: ``(N, D)`` or ``(D,)`` each.
        - Output: ``(N,)`` (``(N, 1)`` with keepdim).

    Example::

        >>> ug.nn.PairwiseDistance(eps=0.0)(ug.tensor([[0.0, 0.0]]), ug.tensor([[3.0, 4.0]]))
        tensor([5.])
    """
    def __init__(self, p=2.0, eps=1e-6, keepdim=False):
        super().__init__()
        self.norm, self.eps, self.keepdim = p, eps, keepdim

    def forward(self, x1, x2):
        return pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)
