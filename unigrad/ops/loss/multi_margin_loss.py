"""multi_margin_loss: the multi-class hinge loss, a composite of gather and relu."""
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from .common import reduce_loss
import numpy as np


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None, reduction="mean"):
    """For each sample, ``sum over classes j != y of max(0, margin - x[y] + x[j]) ** p / C`` (weighted
    by weight[y]), as torch's multi_margin_loss; p is 1 or 2.

    Example::

        >>> ug.nn.functional.multi_margin_loss(ug.tensor([[0.1, 0.2, 0.4, 0.8]]), ug.tensor([3]))
        tensor(0.325)
    """
    x = input if input.ndim == 2 else F.unsqueeze(input, 0)
    t = target if target.ndim == 1 else F.reshape(target, (1,))
    picked = F.gather(x, 1, F.unsqueeze(t, 1))
    margins = F.relu(F.add(F.sub(x, picked), margin))
    if p == 2:
        margins = F.mul(margins, margins)
    if weight is not None:
        margins = F.mul(margins, F.unsqueeze(F.index_select(weight, 0, t), 1))
    not_target = F.ne(F.unsqueeze(F.arange(x.shape[1], device=x.device), 0), F.unsqueeze(t, 1))
    loss = F.div(F.sum(F.where(not_target, margins, F.zeros_like(margins)), 1), x.shape[1])
    loss = loss if input.ndim == 2 else F.reshape(loss, ())
    return reduce_loss(loss, reduction, "multi_margin_loss")


register(OpDef(name="multi_margin_loss", impl=multi_margin_loss, variants=Variants(functional=True),
               samples=lambda: [Sample((randn(4, 5), np.array([0, 3, 1, 4]))),
                                Sample((randn(4, 5), np.array([0, 3, 1, 4])), {"p": 2, "margin": 0.5}),
                                Sample((randn(3, 4), np.array([1, 0, 3]), 1, 1.0, np.array([0.5, 1.0, 2.0, 1.5])),
                                       diff=(0,))],
               torch_ref=lambda torch, x, t, *a, **kw: torch.nn.functional.multi_margin_loss(x, t, *a, **kw)))
