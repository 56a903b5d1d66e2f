"""nll_loss: the negative log-likelihood of class-index targets under log-probabilities, a composite."""
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import positive, randn
from .common import check_class_targets, check_targets, class_dim_last, class_targets, reduce_loss


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """``-input[n, target[n]]`` per element, weighted, then reduced: the loss of log-probabilities
    input (log_softmax's output) against class indices target.

    Args:
        input: log-probabilities (N, C) or (N, C, d1, ...), or (C,) for one element.
        target: int class indices of shape (N,) or (N, d1, ...) (input's without C), or ().
        weight: a (C,) weight per class, or None for 1.
        ignore_index: a target value that counts for nothing (and is left out of the mean).
        reduction: "mean" (over the weights of the counted elements), "sum", or "none" (target's shape).

    Example::

        >>> logp = ug.log_softmax(ug.tensor([[2.0, 0.0, 0.0], [0.0, 1.0, 0.0]]), 1)
        >>> ug.nn.functional.nll_loss(logp, ug.tensor([0, 2]))
        tensor(0.8955)
        >>> ug.nn.functional.nll_loss(logp, ug.tensor([0, 2]), reduction="none")
        tensor([0.2395, 1.5514])
        >>> ug.nn.functional.nll_loss(logp, ug.tensor([0, 2]), weight=ug.tensor([1.0, 1.0, 3.0]))
        tensor(1.2235)
    """
    check_targets(input, target, "nll_loss")
    check_class_targets(target._data, input.shape[1] if input.ndim >= 2 else input.shape[0], ignore_index, "nll_loss")
    logp = class_dim_last(input) if input.ndim >= 2 else F.unsqueeze(input, 0)
    tgt = F.reshape(target, (-1,))
    valid = F.ne(tgt, ignore_index)
    safe = F.where(valid, tgt, F.zeros_like(tgt))
    picked = F.squeeze(F.gather(logp, 1, F.unsqueeze(safe, 1)), 1)
    w = F.to_dtype(valid, logp.dtype)
    if weight is not None:
        w = F.mul(w, F.getitem(weight, (safe,)))
    loss = F.neg(F.mul(picked, w))
    if reduction == "mean":
        return F.div(F.sum(loss), F.sum(w))
    if reduction == "none":
        return F.reshape(loss, tuple(target.shape))
    return reduce_loss(loss, reduction, "nll_loss")


register(OpDef(name="nll_loss", impl=nll_loss, variants=Variants(functional=True),
               samples=lambda: [Sample((randn(5, 4), class_targets(5, 4))),
                                Sample((randn(5, 4), class_targets(5, 4, 1, ignore=-100), positive(4, seed=2)),
                                       {"reduction": "mean"}, diff=(0,)),
                                Sample((randn(2, 3, 2, 2), class_targets((2, 2, 2), 3)), {"reduction": "none"})],
               torch_ref=lambda torch, x, t, w=None, **kw: torch.nn.functional.nll_loss(x, t, w, **kw)))
