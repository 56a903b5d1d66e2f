"""Dropout and Embedding."""
from ...ops import api as F
from .. import init
from ..parameter import Parameter
from .module import Module
from ...errors import InvalidArgumentError


class Dropout(Module):
    """In training mode, zeroes each element independently with probability ``p`` and scales the others by
    ``1 / (1 - p)``, so the expected value is unchanged. In eval mode (or with ``p = 0``) it returns the input
    itself; ``p = 1`` gives zeros.

    Args:
        p: probability of zeroing an element, in ``[0, 1]`` (checked when built). Default: 0.5.
        inplace: accepted and ignored: the result is always a new tensor (the repr always shows
            ``inplace=False``). Default: False.

    Shape:
        - Input: ``(*)``, any shape.
        - Output: ``(*)``, the input's shape.

    Example::

        >>> m = ug.nn.Dropout(p=0.5)
        >>> y = m(ug.ones(1000))
        >>> sorted(set(y.tolist()))
        [0.0, 2.0]
        >>> x = ug.ones(3)
        >>> m.eval()(x) is x
        True
    """
    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise InvalidArgumentError(f"Dropout: p must be in [0, 1], got {p}")
        self.p = p

    def forward(self, input):
        return F.dropout(input, self.p, self.training)

    def extra_repr(self):
        return f"p={self.p}, inplace=False"


class Embedding(Module):
    """A lookup table: row ``i`` of ``weight`` is the embedding of index ``i``; ``output[...] = weight[input[...]]``.

    Args:
        num_embeddings: size of the vocabulary (rows of ``weight``).
        embedding_dim: size of each embedding vector.
        padding_idx: if given, that row is initialised to zeros and receives no gradient; negative counts from
            the end. Default: None.
        device, dtype: where and in what dtype to create ``weight``. Default: the global defaults.
        _weight: use this tensor as ``weight`` (sharing its memory) instead of a fresh initialisation; its
            ``padding_idx`` row is then not zeroed. Default: None.

    PyTorch's ``max_norm``, ``norm_type``, ``scale_grad_by_freq`` and ``sparse`` arguments are not supported.

    Shape:
        - Input: ``(*)``, an integer tensor of indices in ``[0, num_embeddings)``.
        - Output: ``(*, embedding_dim)``.

    Attributes:
        weight: ``(num_embeddings, embedding_dim)``, initialised N(0, 1).

    Example::

        >>> m = ug.nn.Embedding(10, 3, padding_idx=0)
        >>> m(ug.tensor([[1, 2, 4, 5], [4, 3, 2, 9]])).shape
        unigrad.Size([2, 4, 3])
        >>> m.weight[0].detach()
        tensor([0., 0., 0.])
    """
    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, device=None, dtype=None, _weight=None):
        super().__init__()
        self.num_embeddings, self.embedding_dim, self.padding_idx = num_embeddings, embedding_dim, padding_idx
        self.weight = Parameter(_weight if _weight is not None else
                                F.empty(num_embeddings, embedding_dim, device=device, dtype=dtype))
        if _weight is None:
            self.reset_parameters()

    def reset_parameters(self):
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight._data[self.padding_idx] = 0

    def forward(self, input):
        return F.embedding(input, self.weight, self.padding_idx)

    def extra_repr(self):
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        return s + (f", padding_idx={self.padding_idx}" if self.padding_idx is not None else "")
