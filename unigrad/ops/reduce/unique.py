"""unique: the distinct elements (or slices along a dim) in ascending order, with the inverse
mapping and counts. Its size depends on the values: no shape rule, no gradient."""
import numpy as np

from ..dispatch import dispatch
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn


def _forward(xp, x, dim=None):
    if dim is None:
        values, inverse, counts = xp.unique(x.reshape(-1), return_inverse=True, return_counts=True)
        inverse = inverse.reshape(x.shape)
    else:
        values, inverse, counts = xp.unique(x, return_inverse=True, return_counts=True, axis=dim)
        inverse = inverse.reshape(-1)
    return values, inverse.astype(xp.int64), counts.astype(xp.int64)


unique_op = OpDef(
    name="unique", forward=_forward, diff_outputs=(), n_outputs=3,
    variants=Variants(methods={"unique": None}),
    samples=lambda: [Sample((np.array([[3, 1, 2], [1, 3, 3]]),), grad=False),
                     Sample((randn(4, 3).round(),), grad=False),
                     Sample((np.array([[1, 2], [0, 1], [1, 2]]),), {"dim": 0}, grad=False),
                     Sample((np.array([[1, 0, 1], [2, 1, 2]]),), {"dim": 1}, grad=False),
                     Sample((randn(0),), grad=False)],
    torch_ref=lambda torch, x, dim=None: torch.unique(x, sorted=True, return_inverse=True, return_counts=True, dim=dim),
    reference=_forward)


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct elements of input, ascending, as a 1-D tensor (with dim: the distinct slices
    along dim), as torch.unique; return_inverse adds the index of each input element in the
    result (input's shape; with dim, one per slice), return_counts how often each value occurs.
    The result is always sorted.

    Example::

        >>> ug.unique(ug.tensor([3, 1, 3, 2, 1]))
        tensor([1, 2, 3])
        >>> values, inverse, counts = ug.unique(ug.tensor([3, 1, 3]), return_inverse=True, return_counts=True)
        >>> inverse, counts
        (tensor([1, 0, 1]), tensor([1, 2]))
    """
    attrs = {} if dim is None else {"dim": dim % max(input.ndim, 1)}
    values, inverse, counts = dispatch(unique_op, (input,), attrs)
    extra = ((inverse,) if return_inverse else ()) + ((counts,) if return_counts else ())
    return (values,) + extra if extra else values


register(unique_op, public=unique)
