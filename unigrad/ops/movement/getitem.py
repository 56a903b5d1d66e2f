"""getitem: x[index], a composite of slice (a basic index: a view) and index (an advanced one: a copy)."""
import numpy as np

from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from .index import advanced_index
from .indexing import split_index
from .slice import basic_index


def take(input, spec, tensors):
    """input[spec], the spec's Slots filled from `tensors`: the slice op when there are none, index otherwise."""
    if tensors:
        return advanced_index(input, *tensors, index=spec)
    return basic_index(input, spec)


def getitem(input, index):
    """``input[index]``, as in NumPy and PyTorch.

    A basic index (ints, slices, None, Ellipsis) gives a view sharing input's memory; an index
    holding integer or bool tensors (or lists, arrays) gives a new tensor, a bool mask picking
    the positions where it is true.

    Example::

        >>> x = ug.arange(6).reshape(2, 3)
        >>> x[1]
        tensor([3, 4, 5])
        >>> x[:, [2, 0]]
        tensor([[2, 0],
                [5, 3]])
        >>> ug.getitem(x, x > 2)
        tensor([3, 4, 5])
    """
    spec, tensors = split_index(index, input._device)
    return take(input, spec, tensors)


register(OpDef(name="getitem", impl=getitem, variants=Variants(operators=("__getitem__",)),
               samples=lambda: [Sample((randn(4, 5), (slice(1, 3), 0))),
                                Sample((randn(3, 4, 5), (Ellipsis, None, -1))),
                                Sample((randn(5, 3), np.array([0, 2, 2, 4]))),
                                Sample((randn(4, 5), randn(4, 5, seed=3) > 0))],
               torch_ref=lambda torch, x, index: x[index]))
