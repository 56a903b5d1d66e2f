"""Loss modules over the functional losses."""
from ...ops import api as F
from .module import Module


class _Loss(Module):
    def __init__(self, reduction="mean"):
        super().__init__()
        self.reduction = reduction


class MSELoss(_Loss):
    """Mean squared error: ``loss_i = (input_i - target_i) ** 2``, reduced as ``reduction`` says.

    Args:
        reduction: ``'mean'`` (average over all elements), ``'sum'`` or ``'none'`` (no reduction). Other values
            raise when the loss is computed. Default: ``'mean'``.

    Shape:
        - Input: ``(*)``, any shape.
        - Target: ``(*)``, exactly the input's shape: it is not broadcast, a mismatch raises ShapeError.
        - Output: a 0-d tensor for ``'mean'`` and ``'sum'``; ``(*)``, the input's shape, for ``'none'``.

    Example::

        >>> ug.nn.MSELoss()(ug.tensor([1., 2., 3.]), ug.tensor([1., 0., 0.]))
        tensor(4.3333)
        >>> ug.nn.MSELoss(reduction="none")(ug.tensor([1., 2., 3.]), ug.tensor([1., 0., 0.]))
        tensor([0., 4., 9.])
    """
    def forward(self, input, target):
        return F.mse_loss(input, target, self.reduction)


class L1Loss(_Loss):
    """Mean absolute error: ``loss_i = |input_i - target_i|``, reduced as ``reduction`` says.

    Args:
        reduction: ``'mean'`` (average over all elements), ``'sum'`` or ``'none'`` (no reduction). Other values
            raise when the loss is computed. Default: ``'mean'``.

    Shape:
        - Input: ``(*)``, any shape.
        - Target: ``(*)``, exactly the input's shape: it is not broadcast, a mismatch raises ShapeError.
        - Output: a 0-d tensor for ``'mean'`` and ``'sum'``; ``(*)``, the input's shape, for ``'none'``.

    Example::

        >>> ug.nn.L1Loss()(ug.tensor([1., 2., 3.]), ug.tensor([1., 0., 0.]))
        tensor(1.6667)
    """
    def forward(self, input, target):
        return F.l1_loss(input, target, self.reduction)


class SmoothL1Loss(_Loss):
    """Smooth L1 loss: with ``d_i = |input_i - target_i|``, ``loss_i = 0.5 * d_i ** 2 / beta`` if ``d_i < beta``,
    else ``d_i - 0.5 * beta``; ``beta = 0`` gives the L1 loss.

    Args:
        reduction: ``'mean'`` (average over all elements), ``'sum'`` or ``'none'`` (no reduction). Other values
            raise when the loss is computed. Default: ``'mean'``.
        beta: where the loss changes from quadratic to linear. Default: 1.0.

    Shape:
        - Input: ``(*)``, any shape.
        - Target: ``(*)``, exactly the input's shape: it is not broadcast, a mismatch raises ShapeError.
        - Output: a 0-d tensor for ``'mean'`` and ``'sum'``; ``(*)``, the input's shape, for ``'none'``.

    Example::

        >>> ug.nn.SmoothL1Loss(reduction="none")(ug.zeros(3), ug.tensor([0.5, 1., 3.]))
        tensor([0.125, 0.5  , 2.5  ])
    """
    def __init__(self, reduction="mean", beta=1.0):
        super().__init__(reduction)
        self.beta = beta

    def forward(self, input, target):
        return F.smooth_l1_loss(input, target, self.reduction, self.beta)


class HuberLoss(_Loss):
    """Huber loss: with ``d_i = |input_i - target_i|``, ``loss_i = 0.5 * d_i ** 2`` if ``d_i < delta``,
    else ``delta * (d_i - 0.5 * delta)``; it equals ``delta * SmoothL1Loss(beta=delta)``.

    Args:
        reduction: ``'mean'`` (average over all elements), ``'sum'`` or ``'none'`` (no reduction). Other values
            raise when the loss is computed. Default: ``'mean'``.
        delta: where the loss changes from quadratic to linear; meant to be positive (not checked: 0 gives a
            zero loss, where PyTorch raises). Default: 1.0.

    Shape:
        - Input: ``(*)``, any shape.
        - Target: ``(*)``, exactly the input's shape: it is not broadcast, a mismatch raises ShapeError.
        - Output: a 0-d tensor for ``'mean'`` and ``'sum'``; ``(*)``, the input's shape, for ``'none'``.

    Example::

        >>> ug.nn.HuberLoss(reduction="none", delta=2.)(ug.zeros(3), ug.tensor([0.5, 1., 3.]))
        tensor([0.125, 0.5  , 4.   ])
    """
    def __init__(self, reduction="mean", delta=1.0):
        super().__init__(reduction)
        self.delta = delta

    def forward(self, input, target):
        return F.huber_loss(input, target, self.reduction, self.delta)


class _WeightedLoss(_Loss):
    def __init__(self, weight=None, reduction="mean"):
        super().__init__(reduction)
        if weight is not None:
            self.register_buffer("weight", weight)
        else:
            self.weight = None


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of class-index targets, for input that holds log-probabilities (e.g. LogSoftmax).

    ``loss_n = -weight[target_n] * input[n, target_n]``; ``'mean'`` divides the sum by ``sum_n weight[target_n]``,
    not by the number of targets.

    Args:
        weight: a ``(C,)`` tensor of per-class weights, registered as a buffer (moved by ``to()``, saved in
            ``state_dict``). Default: None (every class weighs 1).
        ignore_index: targets equal to it contribute nothing, neither to the loss nor to the ``'mean'`` divisor
            (a mean over no remaining target is nan). Default: -100.
        reduction: ``'mean'`` (weighted mean, as above), ``'sum'`` or ``'none'``. Default: ``'mean'``.

    Shape:
        - Input: ``(N, C)``, ``(C,)`` or ``(N, C, d_1, ..., d_K)``: log-probabilities over the ``C`` classes.
        - Target: ``(N,)``, ``()`` or ``(N, d_1, ..., d_K)``: integer class indices in ``[0, C)`` or
          ``ignore_index`` (out-of-range values raise OutOfBoundsError; only checked for CPU tensors).
        - Output: a 0-d tensor for ``'mean'`` and ``'sum'``; the target's shape for ``'none'``.

    Example::

        >>> log_probs = ug.tensor([[-0.1, -2.3], [-1.2, -0.4]])
        >>> ug.nn.NLLLoss()(log_probs, ug.tensor([0, 1]))
        tensor(0.25)
        >>> ug.nn.NLLLoss(reduction="none")(log_probs, ug.tensor([0, -100]))
        tensor([0.1, 0. ])
    """
    def __init__(self, weight=None, ignore_index=-100, reduction="mean"):
        super().__init__(weight, reduction)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return F.nll_loss(input, target, self.weight, self.ignore_index, self.reduction)


class CrossEntropyLoss(_WeightedLoss):
    """Cross-entropy between unnormalised logits and targets: ``log_softmax`` over the class dimension, then
    the negative log-likelihood (:class:`NLLLoss`).

    The target is either class indices (an integer tensor; ``weight`` and ``ignore_index`` act as in NLLLoss and
    ``'mean'`` is the weighted mean) or class probabilities (a float tensor of the input's shape; then
    ``loss_n = -sum_c weight[c] * target[n, c] * log_softmax(input)[n, c]``, ``ignore_index`` does not apply and
    ``'mean'`` divides by ``N * d_1 * ... * d_K``).

    Args:
        weight: a ``(C,)`` tensor of per-class weights, registered as a buffer (moved by ``to()``, saved in
            ``state_dict``). Default: None (every class weighs 1).
        ignore_index: targets equal to it contribute nothing, neither to the loss nor to the ``'mean'`` divisor
            (a mean over no remaining target is nan). Default: -100.
        reduction: ``'mean'``, ``'sum'`` or ``'none'``. Default: ``'mean'``.
        label_smoothing: ``eps`` in ``[0, 1]``: the target becomes ``(1 - eps) * target + eps / C``. Default: 0.0.

    Shape:
        - Input: ``(N, C)``, ``(C,)`` or ``(N, C, d_1, ..., d_K)``: logits over the ``C`` classes (class dim 1,
          or 0 for ``(C,)``).
        - Target: class indices of shape ``(N,)``, ``()`` or ``(N, d_1, ..., d_K)`` with values in ``[0, C)`` or
          ``ignore_index``; or class probabilities of the input's shape.
        - Output: a 0-d tensor for ``'mean'`` and ``'sum'``; ``(N,)``, ``()`` or ``(N, d_1, ..., d_K)`` for ``'none'``.

    Example::

        >>> logits = ug.tensor([[2., 0., 0.], [0., 0., 3.]])
        >>> ug.nn.CrossEntropyLoss()(logits, ug.tensor([0, 2]))
        tensor(0.1672)
        >>> ug.nn.CrossEntropyLoss()(logits, ug.tensor([[1., 0., 0.], [0., 0., 1.]]))
        tensor(0.1672)
    """
    def __init__(self, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
        super().__init__(weight, reduction)
        self.ignore_index, self.label_smoothing = ignore_index, label_smoothing

    def forward(self, input, target):
        return F.cross_entropy(input, target, self.weight, self.ignore_index, self.reduction, self.label_smoothing)


class BCELoss(_WeightedLoss):
    """Binary cross-entropy of probabilities: ``loss_i = -weight_i * (t_i * log(x_i) + (1 - t_i) * log(1 - x_i))``.

    As in PyTorch, each log term is clamped to at least -100, so ``x_i`` of exactly 0 or 1 gives a finite loss.
    For raw scores, :class:`BCEWithLogitsLoss` is more stable.

    Args:
        weight: rescales each element's loss; a tensor broadcast against the input, registered as a buffer.
            Default: None.
        reduction: ``'mean'`` (average over all elements), ``'sum'`` or ``'none'`` (no reduction). Other values
            raise when the loss is computed. Default: ``'mean'``.

    Shape:
        - Input: ``(*)``, probabilities in ``[0, 1]`` (not checked).
        - Target: ``(*)``, exactly the input's shape, values in ``[0, 1]``.
        - Output: a 0-d tensor for ``'mean'`` and ``'sum'``; ``(*)`` for ``'none'``.

    Example::

        >>> ug.nn.BCELoss()(ug.tensor([0.9, 0.2]), ug.tensor([1., 0.]))
        tensor(0.1643)
    """
    def forward(self, input, target):
        return F.binary_cross_entropy(input, target, self.weight, self.reduction)


class BCEWithLogitsLoss(_WeightedLoss):
    """Binary cross-entropy of logits, sigmoid included and computed stably:
    ``loss_i = -weight_i * (pos_weight * t_i * log(sigmoid(x_i)) + (1 - t_i) * log(1 - sigmoid(x_i)))``.

    Args:
        weight: rescales each element's loss; a tensor broadcast against the input, registered as a buffer.
            Default: None.
        reduction: ``'mean'`` (average over all elements), ``'sum'`` or ``'none'`` (no reduction). Other values
            raise when the loss is computed. Default: ``'mean'``.
        pos_weight: weight of the positive term, broadcast against the input (e.g. ``(C,)`` for ``C`` labels in the
            last dimension); registered as a buffer. Default: None (1).

    Shape:
        - Input: ``(*)``, logits.
        - Target: ``(*)``, exactly the input's shape, values in ``[0, 1]``.
        - Output: a 0-d tensor for ``'mean'`` and ``'sum'``; ``(*)`` for ``'none'``.

    Example::

        >>> ug.nn.BCEWithLogitsLoss()(ug.tensor([2., -1.]), ug.tensor([1., 0.]))
        tensor(0.2201)
        >>> ug.nn.BCEWithLogitsLoss(pos_weight=ug.tensor([3., 3.]))(ug.tensor([2., -1.]), ug.tensor([1., 0.]))
        tensor(0.347)
    """
    def __init__(self, weight=None, reduction="mean", pos_weight=None):
        super().__init__(weight, reduction)
        if pos_weight is not None:
            self.register_buffer("pos_weight", pos_weight)
        else:
            self.pos_weight = None

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, self.weight, self.reduction, self.pos_weight)


class CTCLoss(_Loss):
    """Connectionist Temporal Classification loss (torch.nn.CTCLoss): ``forward(log_probs,
    targets, input_lengths, target_lengths)`` with log_probs (T, N, C) from a log_softmax over
    C, targets (N, S) padded or 1-D concatenated, and the (N,) lengths; see
    ``nn.functional.ctc_loss``. CPU only.

    Args:
        blank: the blank class index. Default: 0.
        reduction: ``'mean'`` (each loss divided by its target length, then averaged), ``'sum'`` or
            ``'none'`` ((N,) losses). Default: ``'mean'``.
        zero_infinity: replace the infinite losses of impossible alignments (and their gradients)
            by 0. Default: False.

    Shape:
        - log_probs: ``(T, N, C)``: T frames, N sequences, C classes (blank included).
        - targets: ``(N, S)`` padded, or ``(sum(target_lengths),)`` concatenated.
        - input_lengths, target_lengths: ``(N,)``.
        - Output: a 0-d tensor for ``'mean'`` and ``'sum'``; ``(N,)`` for ``'none'``.
    """

    def __init__(self, blank=0, reduction="mean", zero_infinity=False):
        super().__init__(reduction)
        self.blank, self.zero_infinity = blank, zero_infinity

    def forward(self, log_probs, targets, input_lengths, target_lengths):
        return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank, self.reduction,
                          self.zero_infinity)


from .more_losses import (CosineEmbeddingLoss, GaussianNLLLoss, HingeEmbeddingLoss, KLDivLoss,  # noqa: E402,F401
                          MarginRankingLoss, MultiLabelSoftMarginLoss, PoissonNLLLoss, SoftMarginLoss,
                          MultiMarginLoss, TripletMarginLoss)  # (torch.nn.modules.loss's names; their own file)
