"""kl_div and the margin, embedding and likelihood losses of torch.nn.functional: margin_ranking,
hinge_embedding, soft_margin, multilabel_soft_margin, cosine_embedding, triplet_margin,
poisson_nll, gaussian_nll; composites over the elementwise ops and reduce_loss."""
import math
import warnings

from ...errors import InvalidArgumentError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import positive, randn
from .common import reduce_loss
import numpy as np


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """The Kullback-Leibler divergence with input as log-probabilities: ``target * (log(target) -
    input)`` (0 where target is 0; with log_target, ``exp(target) * (target - input)``), reduced
    by "mean" (over elements, with torch's warning), "batchmean" (the sum over the batch size,
    the true KL), "sum" or "none", as torch's kl_div.

    Example::

        >>> p = ug.tensor([[0.5, 0.5]])
        >>> ug.nn.functional.kl_div(ug.log(p), p, reduction="batchmean")
        tensor(0.)
    """
    if log_target:
        loss = F.mul(F.exp(target), F.sub(target, input))
    else:
        positive_t = F.gt(target, 0.0)
        safe = F.where(positive_t, target, F.ones_like(target))
        loss = F.where(positive_t, F.mul(target, F.sub(F.log(safe), input)), F.zeros_like(F.mul(target, input)))
    if reduction == "batchmean":
        return F.div(F.sum(loss), input.shape[0] if input.ndim else 1)
    if reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                      UserWarning, stacklevel=2)
    return reduce_loss(loss, reduction, "kl_div")


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction="mean"):
    """``max(0, -target * (input1 - input2) + margin)``, target +1 or -1 (torch's margin_ranking_loss).

    Example::

        >>> ug.nn.functional.margin_ranking_loss(ug.tensor([1.0]), ug.tensor([2.0]), ug.tensor([1.0]), margin=0.5)
        tensor(1.5)
    """
    return reduce_loss(F.relu(F.add(F.mul(F.neg(target), F.sub(input1, input2)), margin)), reduction,
                       "margin_ranking_loss")


def hinge_embedding_loss(input, target, margin=1.0, reduction="mean"):
    """input where target is 1, ``max(0, margin - input)`` where it is -1 (torch's hinge_embedding_loss).

    Example::

        >>> ug.nn.functional.hinge_embedding_loss(ug.tensor([0.3, 0.3]), ug.tensor([1.0, -1.0]), reduction="none")
        tensor([0.3, 0.7])
    """
    pos = F.where(F.eq(target, 1.0), input, F.zeros_like(input))
    neg = F.where(F.eq(target, -1.0), F.relu(F.rsub(input, margin)), F.zeros_like(input))
    return reduce_loss(F.add(pos, neg), reduction, "hinge_embedding_loss")


def soft_margin_loss(input, target, reduction="mean"):
    """``log(1 + exp(-target * input))``, target +1 or -1 (torch's soft_margin_loss).

    Example::

        >>> ug.nn.functional.soft_margin_loss(ug.tensor([0.0]), ug.tensor([1.0]))
        tensor(0.6931)
    """
    return reduce_loss(F.softplus(F.neg(F.mul(target, input))), reduction, "soft_margin_loss")


def multilabel_soft_margin_loss(input, target, weight=None, reduction="mean"):
    """The binary cross entropy of sigmoid(input) against 0/1 targets, averaged over the C labels
    of each sample, then reduced over samples (torch's multilabel_soft_margin_loss).

    Example::

        >>> ug.nn.functional.multilabel_soft_margin_loss(ug.tensor([[0.0, 0.0]]), ug.tensor([[1.0, 0.0]]))
        tensor(0.6931)
    """
    loss = F.neg(F.add(F.mul(target, F.logsigmoid(input)), F.mul(F.rsub(target, 1.0), F.logsigmoid(F.neg(input)))))
    if weight is not None:
        loss = F.mul(loss, weight)
    return reduce_loss(F.mean(loss, dim=-1), reduction, "multilabel_soft_margin_loss")


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction="mean"):
    """``1 - cos(x1, x2)`` where target is 1, ``max(0, cos(x1, x2) - margin)`` where it is -1, the
    cosine along dim 1 (torch's cosine_embedding_loss).

    Example::

        >>> ug.nn.functional.cosine_embedding_loss(ug.tensor([[1.0, 0.0]]), ug.tensor([[0.0, 1.0]]), ug.tensor([1.0]))
        tensor(1.)
    """
    eps = 1e-12  # (torch's EPSILON inside the norms)
    dot = F.sum(F.mul(input1, input2), -1)
    mag = F.sqrt(F.mul(F.add(F.sum(F.mul(input1, input1), -1), eps), F.add(F.sum(F.mul(input2, input2), -1), eps)))
    cos = F.div(dot, mag)
    loss = F.where(F.eq(target, 1.0), F.rsub(cos, 1.0),
                   F.where(F.eq(target, -1.0), F.relu(F.sub(cos, margin)), F.zeros_like(cos)))
    return reduce_loss(loss, reduction, "cosine_embedding_loss")


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2.0, eps=1e-6, swap=False, reduction="mean"):
    """``max(d(a, p) - d(a, n) + margin, 0)`` with pairwise p-norm distances (swap: the smaller of
    d(a, n) and d(p, n)), as torch's triplet_margin_loss.

    Example::

        >>> a, p, n = ug.tensor([[0.0, 0.0]]), ug.tensor([[0.0, 1.0]]), ug.tensor([[3.0, 4.0]])
        >>> ug.nn.functional.triplet_margin_loss(a, p, n, margin=5.0)
        tensor(1.)
    """
    d_pos = F.pairwise_distance(anchor, positive, p, eps)
    d_neg = F.pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = F.minimum(d_neg, F.pairwise_distance(positive, negative, p, eps))
    return reduce_loss(F.relu(F.add(F.sub(d_pos, d_neg), margin)), reduction, "triplet_margin_loss")


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                     reduction="mean"):
    """The Poisson negative log-likelihood: ``exp(input) - target * input`` with log_input, else
    ``input - target * log(input + eps)``; full adds Stirling's term for target > 1 (torch's).

    Example::

        >>> ug.nn.functional.poisson_nll_loss(ug.tensor([0.0]), ug.tensor([1.0]))
        tensor(1.)
    """
    if log_input:
        loss = F.sub(F.exp(input), F.mul(target, input))
    else:
        loss = F.sub(input, F.mul(target, F.log(F.add(input, eps))))
    if full:
        safe = F.where(F.gt(target, 1.0), target, F.ones_like(target))
        stirling = F.add(F.sub(F.mul(safe, F.log(safe)), safe), F.mul(F.log(F.mul(safe, 2 * math.pi)), 0.5))
        loss = F.add(loss, F.where(F.gt(target, 1.0), stirling, F.zeros_like(stirling)))
    return reduce_loss(loss, reduction, "poisson_nll_loss")


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """``0.5 * (log(max(var, eps)) + (input - target)^2 / max(var, eps))`` (+ 0.5 log(2 pi) with
    full), var broadcasting, as torch's gaussian_nll_loss.

    Example::

        >>> ug.nn.functional.gaussian_nll_loss(ug.tensor([1.0]), ug.tensor([1.0]), ug.tensor([1.0]))
        tensor(0.)
    """
    if var.ndim == input.ndim - 1 or (var.ndim == input.ndim and var.shape[-1] == 1 and input.shape[-1] != 1):
        var = F.unsqueeze(var, -1) if var.ndim == input.ndim - 1 else var
    if bool(F.any(F.lt(var, 0.0))):
        raise InvalidArgumentError("gaussian_nll_loss: var has negative entries")
    v = F.clamp(var, min=eps)
    loss = F.mul(F.add(F.log(v), F.div(F.square(F.sub(input, target)), v)), 0.5)
    if full:
        loss = F.add(loss, 0.5 * math.log(2 * math.pi))
    return reduce_loss(loss, reduction, "gaussian_nll_loss")


def _signs(*shape, seed=0):
    return np.where(randn(*shape, seed=seed) > 0, 1.0, -1.0)


def _reg(name, fn, samples, torch_ref):
    register(OpDef(name=name, impl=fn, variants=Variants(functional=True), samples=samples, torch_ref=torch_ref))


def _probs(*shape, seed=0):
    p = positive(*shape, seed=seed)
    return p / p.sum(-1, keepdims=True)


_reg("kl_div", kl_div, lambda: [Sample((np.log(_probs(3, 4)), _probs(3, 4, seed=1)), {"reduction": "batchmean"}),
                                Sample((np.log(_probs(3, 4)), np.log(_probs(3, 4, seed=1))),
                                       {"reduction": "sum", "log_target": True})],
     lambda torch, x, t, **kw: torch.nn.functional.kl_div(x, t, **kw))
_reg("margin_ranking_loss", margin_ranking_loss,
     lambda: [Sample((randn(5), randn(5, seed=1), _signs(5, seed=2)), {"margin": 0.3}, diff=(0, 1))],
     lambda torch, a, b, t, **kw: torch.nn.functional.margin_ranking_loss(a, b, t, **kw))
_reg("hinge_embedding_loss", hinge_embedding_loss,
     lambda: [Sample((randn(3, 4) + 0.05, _signs(3, 4, seed=1)), diff=(0,))],
     lambda torch, x, t, **kw: torch.nn.functional.hinge_embedding_loss(x, t, **kw))
_reg("soft_margin_loss", soft_margin_loss, lambda: [Sample((randn(3, 4), _signs(3, 4, seed=1)), diff=(0,))],
     lambda torch, x, t, **kw: torch.nn.functional.soft_margin_loss(x, t, **kw))
_reg("multilabel_soft_margin_loss", multilabel_soft_margin_loss,
     lambda: [Sample((randn(3, 4), (randn(3, 4, seed=1) > 0).astype(float)), diff=(0,))],
     lambda torch, x, t, **kw: torch.nn.functional.multilabel_soft_margin_loss(x, t, **kw))
_reg("cosine_embedding_loss", cosine_embedding_loss,
     lambda: [Sample((randn(4, 3), randn(4, 3, seed=1), _signs(4, seed=2)), {"margin": -0.2}, diff=(0, 1))],
     lambda torch, a, b, t, **kw: torch.nn.functional.cosine_embedding_loss(a, b, t, **kw))
_reg("triplet_margin_loss", triplet_margin_loss,
     lambda: [Sample((randn(4, 3), randn(4, 3, seed=1), randn(4, 3, seed=2)), {"margin": 2.0}),
              Sample((randn(4, 3), randn(4, 3, seed=1), randn(4, 3, seed=2)), {"margin": 2.0, "p": 1.0, "swap": True})],
     lambda torch, a, pos, neg, **kw: torch.nn.functional.triplet_margin_loss(a, pos, neg, **kw))
_reg("poisson_nll_loss", poisson_nll_loss,
     lambda: [Sample((randn(3, 4), np.round(positive(3, 4, seed=1, high=4.0))), diff=(0,)),
              Sample((positive(3, 4), np.round(positive(3, 4, seed=1, high=4.0))), {"log_input": False, "full": True},
                     diff=(0,))],
     lambda torch, x, t, **kw: torch.nn.functional.poisson_nll_loss(x, t, **kw))
_reg("gaussian_nll_loss", gaussian_nll_loss,
     lambda: [Sample((randn(3, 4), randn(3, 4, seed=1), positive(3, 4, seed=2))),
              Sample((randn(3, 4), randn(3, 4, seed=1), positive(3, seed=2)), {"full": True})],
     lambda torch, x, t, v, **kw: torch.nn.functional.gaussian_nll_loss(x, t, v, **kw))
