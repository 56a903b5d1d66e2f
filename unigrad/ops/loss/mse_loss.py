"""mse_loss: the squared error between input and target, reduced, a composite."""
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from .common import check_same, reduce_loss


def mse_loss(input, target, reduction="mean"):
    """``(input - target) ** 2`` elementwise (the two of one shape), reduced by reduction:
    "mean", "sum" or "none".

    Example::

        >>> ug.nn.functional.mse_loss(ug.tensor([1.0, 2.0, 3.0]), ug.tensor([1.5, 2.0, 0.0]))
        tensor(3.0833)
        >>> ug.nn.functional.mse_loss(ug.tensor([1.0, 2.0, 3.0]), ug.tensor([1.5, 2.0, 0.0]), reduction="none")
        tensor([0.25, 0.  , 9.  ])
    """
    check_same(input, target, "mse_loss")
    diff = F.sub(input, target)
    return reduce_loss(F.mul(diff, diff), reduction, "mse_loss")


register(OpDef(name="mse_loss", impl=mse_loss, variants=Variants(functional=True),
               samples=lambda: [Sample((randn(3, 4), randn(3, 4, seed=1))),
                                Sample((randn(3, 4), randn(3, 4, seed=1)), {"reduction": "sum"})],
               torch_ref=lambda torch, x, t, **kw: torch.nn.functional.mse_loss(x, t, **kw)))
