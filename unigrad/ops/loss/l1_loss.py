"""l1_loss: the absolute error between input and target, reduced, a composite."""
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from .common import check_same, reduce_loss


def l1_loss(input, target, reduction="mean"):
    """``abs(input - target)`` elementwise (the two of one shape), reduced by reduction:
    "mean", "sum" or "none".

    Example::

        >>> ug.nn.functional.l1_loss(ug.tensor([1.0, 2.0, 3.0]), ug.tensor([1.5, 2.0, 0.0]))
        tensor(1.1667)
        >>> ug.nn.functional.l1_loss(ug.tensor([1.0, 2.0, 3.0]), ug.tensor([1.5, 2.0, 0.0]), reduction="sum")
        tensor(3.5)
    """
    check_same(input, target, "l1_loss")
    return reduce_loss(F.abs(F.sub(input, target)), reduction, "l1_loss")


register(OpDef(name="l1_loss", impl=l1_loss, variants=Variants(functional=True),
               samples=lambda: [Sample((randn(3, 4), randn(3, 4, seed=1)))],
               torch_ref=lambda torch, x, t, **kw: torch.nn.functional.l1_loss(x, t, **kw)))
