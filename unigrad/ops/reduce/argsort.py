"""argsort: the positions that sort input along a dim, sort's second output (a composite)."""
import numpy as np

from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn


def argsort(input, dim=-1, descending=False, stable=False):
    """The indices that sort input along dim, ascending (or descending), as torch.argsort:
    ``input.gather(dim, argsort(input, dim))`` is sorted. Equal elements keep their order.

    Example::

        >>> ug.argsort(ug.tensor([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]]), dim=1, descending=True)
        tensor([[0, 2, 1],
                [1, 2, 0]])
    """
    return F.sort(input, dim, descending, stable)[1]


register(OpDef(name="argsort", impl=argsort, variants=Variants(methods=("argsort",)),
               samples=lambda: [Sample((randn(3, 5),), {"dim": 1}), Sample((randn(4, 3),), {"dim": 0, "descending": True}),
                                Sample((np.array([1.0, 3.0, 1.0, 2.0]),), {"stable": True})],
               torch_ref=lambda torch, x, dim=-1, descending=False, stable=False: torch.argsort(
                   x, dim=dim, descending=descending, stable=stable)))
