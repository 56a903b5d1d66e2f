"""embedding: rows of a weight matrix looked up by integer indices, a composite over getitem."""
import numpy as np

from ...errors import InvalidArgumentError, InvalidTypeError, ShapeError
from .. import api as F
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn


def embedding(input, weight, padding_idx=None, max_norm=None, scale_grad_by_freq=False, sparse=False):
    """``weight[input]``: one row of weight per index (PyTorch's ``embedding``).

    Args:
        input: an integer tensor of indices, any shape (...).
        weight: (num_embeddings, embedding_dim).
        padding_idx: an index whose row receives no gradient, as in PyTorch.
        max_norm, scale_grad_by_freq, sparse: not supported (must keep their defaults).

    Returns:
        (..., embedding_dim).

    Example::

        >>> weight = ug.arange(6.0).reshape(3, 2)
        >>> ug.embedding(ug.tensor([[0, 2], [1, 1]]), weight)
        tensor([[[0., 1.],
                 [4., 5.]],
        <BLANKLINE>
                [[2., 3.],
                 [2., 3.]]])
        >>> ug.embedding(ug.randint(0, 1000, (8, 20)), ug.randn(1000, 64)).shape
        unigrad.Size([8, 20, 64])
    """
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


register(OpDef(name="embedding", impl=embedding, variants=Variants(functional=True),
               onnx=Onnx(emit=lambda e, **a: e.embedding(**a)),
               samples=lambda: [Sample((np.array([[0, 2], [4, 2]]), randn(5, 3))),
                                Sample((np.array([1, 0, 1]), randn(3, 4)), {"padding_idx": 1}, fd=False)],
               torch_ref=lambda torch, idx, w, padding_idx=None: torch.nn.functional.embedding(idx, w, padding_idx)))
