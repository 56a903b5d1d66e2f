"""one_hot: integer class labels as rows of 0s with a 1 at the label, a composite."""
import numpy as np

from ...backend import dtypes as _dt
from ...errors import InvalidTypeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register


def one_hot(tensor, num_classes=-1):
    """Integer labels as one-hot int64 vectors: the result has shape ``tensor.shape +
    (num_classes,)``, 1 at each label and 0 elsewhere. num_classes=-1 takes the largest label
    plus one.

    Example::

        >>> ug.nn.functional.one_hot(ug.tensor([0, 2, 1]), 3)
        tensor([[1, 0, 0],
                [0, 0, 1],
                [0, 1, 0]])
    """
    if tensor._dtype.category != 1:
        raise InvalidTypeError(f"one_hot expects an integer tensor, got {tensor._dtype}")
    if num_classes < 0:
        num_classes = int(F.max(tensor).item()) + 1
    classes = F.arange(num_classes, device=tensor.device)
    return F.to_dtype(F.eq(F.unsqueeze(tensor, -1), classes), _dt.int64)


register(OpDef(name="one_hot", impl=one_hot, variants=Variants(functional=True),
               samples=lambda: [Sample((np.array([0, 2, 1, 3]),), {"num_classes": 5}, grad=False),
                                Sample((np.array([[1, 0], [2, 2]]),), grad=False)],
               torch_ref=lambda torch, x, num_classes=-1: torch.nn.functional.one_hot(x, num_classes)))
