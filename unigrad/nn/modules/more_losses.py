"""KLDivLoss and the margin, embedding and likelihood loss modules of torch.nn
(torch.nn.modules.loss re-exports them): each stores its arguments and calls its functional form."""
from .. import functional as Fn
from .module import Module


def _loss(name, fn, args, summary, example, shape="``(*)`` each, of one shape; the output is a 0-d tensor unless "
                                                  "reduction='none'"):
    names = [a for a, _ in args]

    def __init__(self, *values, size_average=None, reduce=None, **kwargs):
        Module.__init__(self)
        params = dict(args)
        params.update(zip(names, values))
        params.update(kwargs)
        for k, v in params.items():
            setattr(self, k, v)

    def forward(self, *inputs):
        return fn(*inputs, **{a: getattr(self, a) for a in names})

    doc = f"{summary}\n\n    Shape:\n        - Input: {shape}.\n\n    Example::\n\n{example}\n    "
    return type(name, (Module,), {"__init__": __init__, "forward": forward, "__doc__": doc, "__module__": __name__})


KLDivLoss = _loss("KLDivLoss", Fn.kl_div, (("reduction", "mean"), ("log_target", False)),
                  "The KL divergence of log-probability inputs from target probabilities (torch.nn.KLDivLoss).",
                  "        >>> p = ug.tensor([[0.5, 0.5]])\n        >>> ug.nn.KLDivLoss(reduction='batchmean')(ug.log(p), p)\n"
                  "        tensor(0.)")
MarginRankingLoss = _loss("MarginRankingLoss", Fn.margin_ranking_loss, (("margin", 0.0), ("reduction", "mean")),
                          "``max(0, -y * (x1 - x2) + margin)`` (torch.nn.MarginRankingLoss).",
                          "        >>> ug.nn.MarginRankingLoss()(ug.tensor([2.0]), ug.tensor([1.0]), ug.tensor([1.0]))\n"
                          "        tensor(0.)")
HingeEmbeddingLoss = _loss("HingeEmbeddingLoss", Fn.hinge_embedding_loss, (("margin", 1.0), ("reduction", "mean")),
                           "x where y is 1, ``max(0, margin - x)`` where it is -1 (torch.nn.HingeEmbeddingLoss).",
                           "        >>> ug.nn.HingeEmbeddingLoss()(ug.tensor([0.5]), ug.tensor([-1.0]))\n        tensor(0.5)")
SoftMarginLoss = _loss("SoftMarginLoss", Fn.soft_margin_loss, (("reduction", "mean"),),
                       "``log(1 + exp(-y * x))`` (torch.nn.SoftMarginLoss).",
                       "        >>> ug.nn.SoftMarginLoss()(ug.tensor([0.0]), ug.tensor([1.0]))\n        tensor(0.6931)")
MultiLabelSoftMarginLoss = _loss("MultiLabelSoftMarginLoss", Fn.multilabel_soft_margin_loss,
                                 (("weight", None), ("reduction", "mean")),
                                 "Per-label binary cross entropy of sigmoid(x), averaged over labels "
                                 "(torch.nn.MultiLabelSoftMarginLoss).",
                                 "        >>> ug.nn.MultiLabelSoftMarginLoss()(ug.zeros(1, 2), ug.tensor([[1.0, 0.0]]))\n"
                                 "        tensor(0.6931)", shape="``(N, C)`` inputs and 0/1 targets")
CosineEmbeddingLoss = _loss("CosineEmbeddingLoss", Fn.cosine_embedding_loss, (("margin", 0.0), ("reduction", "mean")),
                            "``1 - cos(x1, x2)`` for y = 1, ``max(0, cos(x1, x2) - margin)`` for y = -1 "
                            "(torch.nn.CosineEmbeddingLoss).",
                            "        >>> x = ug.tensor([[1.0, 0.0]])\n        >>> ug.nn.CosineEmbeddingLoss()(x, x, "
                            "ug.tensor([1.0]))\n        tensor(0.)", shape="``(N, D)`` twice and ``(N,)`` targets")
TripletMarginLoss = _loss("TripletMarginLoss", Fn.triplet_margin_loss,
                          (("margin", 1.0), ("p", 2.0), ("eps", 1e-6), ("swap", False), ("reduction", "mean")),
                          "``max(d(a, p) - d(a, n) + margin, 0)`` (torch.nn.TripletMarginLoss).",
                          "        >>> a = ug.zeros(1, 2)\n        >>> ug.nn.TripletMarginLoss(margin=0.0)(a, a, a + 3.0)\n"
                          "        tensor(0.)", shape="``(N, D)`` anchors, positives and negatives")
PoissonNLLLoss = _loss("PoissonNLLLoss", Fn.poisson_nll_loss, (("log_input", True), ("full", False), ("eps", 1e-8),
                                                               ("reduction", "mean")),
                       "The Poisson negative log-likelihood (torch.nn.PoissonNLLLoss).",
                       "        >>> ug.nn.PoissonNLLLoss()(ug.tensor([0.0]), ug.tensor([1.0]))\n        tensor(1.)")
GaussianNLLLoss = _loss("GaussianNLLLoss", Fn.gaussian_nll_loss, (("full", False), ("eps", 1e-6), ("reduction", "mean")),
                        "The Gaussian negative log-likelihood with a predicted variance (torch.nn.GaussianNLLLoss).",
                        "        >>> ug.nn.GaussianNLLLoss()(ug.ones(1), ug.ones(1), ug.ones(1))\n        tensor(0.)",
                        shape="input and target of one shape, var of it or with its last dim 1 or dropped")
MultiMarginLoss = _loss("MultiMarginLoss", Fn.multi_margin_loss, (("p", 1), ("margin", 1.0), ("weight", None),
                                                                  ("reduction", "mean")),
                        "The multi-class hinge loss (torch.nn.MultiMarginLoss).",
                        "        >>> ug.nn.MultiMarginLoss()(ug.tensor([[0.1, 0.2, 0.4, 0.8]]), ug.tensor([3]))\n"
                        "        tensor(0.325)", shape="``(N, C)`` scores and ``(N,)`` class indices")
