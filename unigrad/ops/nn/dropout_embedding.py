"""dropout (random mask times input) and embedding (row lookup)."""
import numpy as np

from ...errors import InvalidArgumentError, InvalidTypeError, ShapeError
from .. import api as F
from ..registry import OpDef, Sample, register
from ..sampling import randn


def dropout(input, p=0.5, training=True, inplace=False):
    if not 0.0 <= p <= 1.0:
        raise InvalidArgumentError(f"dropout probability must be in [0, 1], got {p}")
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return F.mul(input, 0.0)
    mask = F.bernoulli(input.detach(), p=1.0 - p)  # 1 where an element is kept
    return F.mul(input, F.mul(mask, 1.0 / (1.0 - p)))


def embedding(input, weight, padding_idx=None, max_norm=None, scale_grad_by_freq=False, sparse=False):
    if weight.ndim != 2:
        raise ShapeError(f"embedding: weight must be 2-D (num_embeddings, dim), got {tuple(weight.shape)}")
    if input._dtype.category != 1:
        raise InvalidTypeError(f"embedding: indices must be an integer tensor, got {input._dtype}")
    if max_norm is not None or scale_grad_by_freq or sparse:
        raise InvalidArgumentError("embedding: max_norm, scale_grad_by_freq and sparse are not supported")
    out = F.getitem(weight, (input,))
    if padding_idx is not None and out.requires_grad:
        # the padding row receives no gradient, as in PyTorch
        keep = F.unsqueeze(F.ne(input, padding_idx % weight.shape[0]), -1)
        out = F.where(keep, out, out.detach())
    return out


register(OpDef(name="dropout", impl=lambda x, p=0.5, training=True: dropout(x, p, training),
               samples=lambda: [Sample((randn(3, 4),), {"p": 0.5, "training": False}),
                                Sample((randn(3, 4),), {"p": 0.0})],
               torch_ref=lambda torch, x, p=0.5, training=True: torch.nn.functional.dropout(x, p, training)),
         public=dropout)
register(OpDef(name="embedding", impl=embedding,
               samples=lambda: [Sample((np.array([[0, 2], [4, 2]]), randn(5, 3))),
                                Sample((np.array([1, 0, 1]), randn(3, 4)), {"padding_idx": 1}, fd=False)],
               torch_ref=lambda torch, idx, w, padding_idx=None: torch.nn.functional.embedding(idx, w, padding_idx)))
