"""EmbeddingBag (torch.nn.modules.sparse re-exports it), over F.embedding_bag."""
from ...ops import api as F
from ..functional import embedding_bag
from ..parameter import Parameter
from .module import Module
from .sparse_dropout import Embedding


class EmbeddingBag(Module):
    """Sums, averages or takes the max of the embeddings of each bag of indices (torch.nn.EmbeddingBag):
    bags are the rows of 2-D input, or 1-D input cut at offsets.

    Shape:
        - Input: ``(B, L)``, or ``(N,)`` with ``offsets`` ``(B,)`` (``(B + 1,)`` with include_last_offset).
        - Output: ``(B, embedding_dim)``.

    Attributes:
        weight: ``(num_embeddings, embedding_dim)``, initialised N(0, 1) (the padding_idx row zero).

    Example::

        >>> m = ug.nn.EmbeddingBag(10, 3, mode="sum")
        >>> m(ug.tensor([1, 2, 4, 5, 4, 3, 2, 9]), ug.tensor([0, 4])).shape
        unigrad.Size([2, 3])
    """
    def __init__(self, num_embeddings, embedding_dim, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
                 mode="mean", sparse=False, _weight=None, include_last_offset=False, padding_idx=None, device=None,
                 dtype=None):
        super().__init__()
        self.num_embeddings, self.embedding_dim, self.mode = num_embeddings, embedding_dim, mode
        self.max_norm, self.norm_type, self.scale_grad_by_freq, self.sparse = max_norm, norm_type, scale_grad_by_freq, sparse
        self.include_last_offset, self.padding_idx = include_last_offset, padding_idx
        self.weight = Parameter(_weight if _weight is not None else
                                F.empty(num_embeddings, embedding_dim, device=device, dtype=dtype))
        if _weight is None:
            self.reset_parameters()

    reset_parameters = Embedding.reset_parameters  # the same init as torch's: N(0, 1), the padding row 0

    def forward(self, input, offsets=None, per_sample_weights=None):
        return embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type, self.scale_grad_by_freq,
                             self.mode, self.sparse, per_sample_weights, self.include_last_offset, self.padding_idx)

    def extra_repr(self):
        s = f"{self.num_embeddings}, {self.embedding_dim}, mode={self.mode!r}"
        return s + (f", padding_idx={self.padding_idx}" if self.padding_idx is not None else "")
