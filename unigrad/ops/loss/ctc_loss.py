"""ctc_loss: Connectionist Temporal Classification (Graves et al. 2006), as torch's F.ctc_loss.

ctc_nll is the primitive: each sequence's -log p(target | log_probs), by the forward (alpha)
recursion in log space over the extended target (blanks around and between the labels),
vectorised over the batch and the label positions, one step per time frame. Its backward runs
the beta recursion and gives the exact gradient with respect to log_probs, -occupancy(t, c)
(PyTorch's kernel returns exp(log_probs) - occupancy, which equals it only after a
log_softmax; through log_softmax both give softmax - occupancy). ctc_loss, the composite,
reduces as torch: 'mean' divides each loss by its target length, then averages.
"""
import numpy as np

from ...core.tensor import tensor as _tensor
from ...errors import InvalidArgumentError, ShapeError
from .. import api as F
from ..dispatch import dispatch
from ..registry import OpDef, Sample, Variants, register
from ..spec import Spec


def _extended(targets, target_lengths, blank, classes):
    """(N, L) extended labels (blank, l1, blank, l2, ..., blank), L = 2 S + 1, and where the
    skip from s - 2 to s is allowed (a label differing from the one two positions back)."""
    n, s = targets.shape
    ext = np.full((n, 2 * s + 1), blank, dtype=np.int64)
    ext[:, 1::2] = np.clip(targets, 0, classes - 1)  # padding past a target's length: any valid class
    skip = np.zeros(ext.shape, dtype=bool)
    skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
    return ext, skip


def _logaddexp3(a, b, c):
    top = np.maximum(np.maximum(a, b), c)
    safe = np.where(np.isfinite(top), top, 0)
    with np.errstate(divide="ignore"):
        return np.log(np.exp(a - safe) + np.exp(b - safe) + np.exp(c - safe)) + safe


def _alphas(lp_ext, skip, input_lengths):
    steps, n, length = lp_ext.shape
    alpha = np.full((steps, n, length), -np.inf, lp_ext.dtype)
    alpha[0, :, :2] = lp_ext[0, :, :2]
    none = np.full((n, 1), -np.inf, lp_ext.dtype)
    for t in range(1, steps):
        prev = alpha[t - 1]
        one_back = np.concatenate([none, prev[:, :-1]], axis=1)
        two_back = np.where(skip, np.concatenate([none, none, prev[:, :-2]], axis=1), -np.inf)
        alpha[t] = _logaddexp3(prev, one_back, two_back) + lp_ext[t]
        done = t >= input_lengths  # a finished sequence keeps its last column
        alpha[t, done] = alpha[t - 1, done]
    return alpha


def _nll(alpha, input_lengths, target_lengths):
    rows = np.arange(alpha.shape[1])
    last = alpha[np.maximum(input_lengths - 1, 0), rows]  # (N, L)
    end = 2 * target_lengths
    final = np.logaddexp(last[rows, end], np.where(end > 0, last[rows, np.maximum(end - 1, 0)], -np.inf))
    return -final


def _check(log_probs, targets, input_lengths, target_lengths, blank):
    if len(log_probs.shape) != 3:
        raise ShapeError(f"ctc_loss: log_probs must be (T, N, C), got shape {tuple(log_probs.shape)}")
    steps, n, classes = log_probs.shape
    if len(targets.shape) != 2 or targets.shape[0] != n:
        raise ShapeError(f"ctc_loss: targets must be (N, S) with N = {n}, got shape {tuple(targets.shape)}")
    if tuple(input_lengths.shape) != (n,) or tuple(target_lengths.shape) != (n,):
        raise ShapeError(f"ctc_loss: input_lengths and target_lengths must be ({n},), got "
                         f"{tuple(input_lengths.shape)} and {tuple(target_lengths.shape)}")
    if not 0 <= blank < classes:
        raise InvalidArgumentError(f"ctc_loss: blank={blank} is not a class of the {classes} in log_probs")


def _forward(xp, log_probs, targets, input_lengths, target_lengths, blank):
    if xp is not np:
        raise InvalidArgumentError("ctc_loss runs on the CPU: move log_probs there (.cpu()) for the loss")
    _check(log_probs, targets, input_lengths, target_lengths, blank)
    if (input_lengths > log_probs.shape[0]).any() or (target_lengths > targets.shape[1]).any() \
            or (input_lengths < 1).any() or (target_lengths < 0).any():
        raise InvalidArgumentError(f"ctc_loss: each input length must lie in [1, {log_probs.shape[0]}] and each "
                                   f"target length in [0, {targets.shape[1]}]; got {input_lengths.tolist()} and "
                                   f"{target_lengths.tolist()}")
    ext, skip = _extended(targets, target_lengths, blank, log_probs.shape[2])
    lp_ext = np.take_along_axis(log_probs, np.broadcast_to(ext[None], (log_probs.shape[0],) + ext.shape), axis=2)
    return _nll(_alphas(lp_ext, skip, input_lengths), input_lengths, target_lengths).astype(log_probs.dtype)


def _grad_forward(xp, log_probs, targets, input_lengths, target_lengths, nll, g, blank):
    """d (sum_n g_n nll_n) / d log_probs = -g_n * occupancy_n(t, c), by alpha * beta."""
    steps, n, classes = log_probs.shape
    ext, skip = _extended(targets, target_lengths, blank, classes)
    lp_ext = np.take_along_axis(log_probs, np.broadcast_to(ext[None], (steps,) + ext.shape), axis=2)
    alpha = _alphas(lp_ext, skip, input_lengths)
    length = ext.shape[1]
    inside = np.arange(length)[None] <= 2 * target_lengths[:, None]
    skip_from = np.zeros_like(skip)
    skip_from[:, :-2] = skip[:, 2:]  # s -> s + 2 allowed
    beta = np.full((steps, n, length), -np.inf, log_probs.dtype)
    none = np.full((n, 1), -np.inf, log_probs.dtype)
    rows = np.arange(n)
    for t in range(steps - 1, -1, -1):
        if t < steps - 1:
            nxt = beta[t + 1]
            one = np.concatenate([nxt[:, 1:], none], axis=1)
            two = np.where(skip_from, np.concatenate([nxt[:, 2:], none, none], axis=1), -np.inf)
            beta[t] = np.where(inside, _logaddexp3(nxt, one, two) + lp_ext[t], -np.inf)
        start = np.flatnonzero(input_lengths - 1 == t)  # sequences ending at t start their beta here
        if len(start):
            beta[t, start] = -np.inf
            end = 2 * target_lengths[start]
            beta[t, start, end] = lp_ext[t, start, end]
            with_label = start[end > 0]
            beta[t, with_label, end[end > 0] - 1] = lp_ext[t, with_label, end[end > 0] - 1]
        beta[t, t > input_lengths - 1] = -np.inf
    alpha[np.arange(steps)[:, None] >= input_lengths[None]] = -np.inf  # the frozen copies are not paths
    finite = np.isfinite(nll)
    with np.errstate(invalid="ignore", over="ignore"):
        occupancy = np.exp(alpha + beta - lp_ext + np.where(finite, nll, 0)[None, :, None])
    occupancy[:, ~finite] = 0  # no alignment: no gradient (what zero_infinity wants)
    grad = np.zeros(log_probs.shape, log_probs.dtype)
    # each position's occupancy onto its label's class (add.at sums the positions sharing a label)
    np.add.at(grad, (np.arange(steps)[:, None, None], rows[None, :, None], ext[None]), occupancy)
    grad *= -np.asarray(g, log_probs.dtype)[None, :, None]
    return grad


def _backward(ctx, g):
    log_probs, targets, input_lengths, target_lengths = ctx.inputs
    grad = dispatch(ctc_nll_grad_op, (log_probs, targets, input_lengths, target_lengths, ctx.output(), g),
                    ctx.attrs)
    return grad, None, None, None


def _infer(log_probs, targets, input_lengths, target_lengths, blank):
    _check(log_probs, targets, input_lengths, target_lengths, blank)
    return Spec(tuple(log_probs.shape[1:2]), log_probs.dtype)


def _samples():
    rng = np.random.default_rng(0)

    def log_softmax(x):
        x = x - x.max(-1, keepdims=True)
        return x - np.log(np.exp(x).sum(-1, keepdims=True))
    lp = log_softmax(rng.standard_normal((6, 3, 5)))
    targets = np.array([[1, 2, 2], [3, 1, 0], [4, 0, 0]])  # a repeated label, a short one, padding
    cases = [Sample((lp, targets, np.array([6, 5, 4]), np.array([3, 2, 1])), {"blank": 0}),
             Sample((log_softmax(rng.standard_normal((5, 2, 4))), np.array([[2, 3], [1, 1]]), np.array([5, 5]),
                     np.array([2, 2])), {"blank": 0}, name="repeat"),
             Sample((log_softmax(rng.standard_normal((4, 2, 4))), np.array([[1, 0], [2, 1]]), np.array([4, 3]),
                     np.array([0, 2])), {"blank": 3}, name="empty_target_other_blank")]
    return cases


def _torch_ref(torch, log_probs, targets, input_lengths, target_lengths, blank, zero_infinity=False):
    """torch's loss per sequence, its gradient made exact: torch's kernel returns
    exp(log_probs) - occupancy over each sequence's frames, so adding S - S (S = the sum of
    those exp(log_probs), the first S without gradient) leaves the value and removes that term."""
    def nll_of(zero):
        return torch.nn.functional.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=blank,
                                            reduction="none", zero_infinity=zero)
    nll = nll_of(zero_infinity)
    frames = (torch.arange(log_probs.shape[0])[:, None] < input_lengths[None]).to(log_probs.dtype)[..., None]
    mass = (log_probs.exp() * frames).sum((0, 2))
    if zero_infinity:  # the zeroed sequences have no gradient in torch either: no term to remove
        mass = torch.where(torch.isinf(nll_of(False).detach()), torch.zeros_like(mass), mass)
    return nll + (mass.detach() - mass)


ctc_nll_op = OpDef(
    name="ctc_nll", forward=_forward, backward=_backward, infer=_infer, nondiff_inputs=(1, 2, 3),
    saves_outputs=True, double_backward=False, variants=Variants(function=False), samples=_samples,
    torch_ref=_torch_ref)


def _grad_samples():
    out = []
    for i, s in enumerate(_samples()):
        nll = _forward(np, *s.inputs, **s.attrs)
        g = np.random.default_rng(i).standard_normal(nll.shape)
        out.append(Sample(s.inputs + (nll, g), s.attrs, grad=False, name=s.name))
    return out


def _torch_grad(torch, log_probs, targets, input_lengths, target_lengths, nll, g, blank):
    x = log_probs.detach().requires_grad_(True)
    loss = _torch_ref(torch, x, targets, input_lengths, target_lengths, blank)
    return torch.autograd.grad(loss, x, grad_outputs=g)[0]


ctc_nll_grad_op = OpDef(
    name="ctc_nll_grad", forward=_grad_forward, diff_outputs=(), variants=Variants(function=False),
    infer=lambda log_probs, *rest, **attrs: Spec(tuple(log_probs.shape), log_probs.dtype),
    samples=_grad_samples, torch_ref=_torch_grad)


def _padded(targets, target_lengths):
    """torch's 1-D form (every target concatenated) as an (N, max length) tensor."""
    lengths = target_lengths.cpu().numpy().astype(np.int64)
    flat = targets.cpu().numpy()
    if flat.shape[0] != lengths.sum():
        raise ShapeError(f"ctc_loss: 1-D targets hold {flat.shape[0]} labels but target_lengths add up to "
                         f"{int(lengths.sum())}")
    padded = np.zeros((len(lengths), max(int(lengths.max(initial=0)), 1)), np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    for row, (start, n) in enumerate(zip(starts, lengths)):
        padded[row, :n] = flat[start:start + n]
    return _tensor(padded)


def _lengths(x, n, name):
    t = _tensor(np.asarray(x.cpu().numpy() if hasattr(x, "cpu") else x, dtype=np.int64))  # host data
    if tuple(t.shape) != (n,):
        raise ShapeError(f"ctc_loss: {name} must hold one length per sequence ({n}), got shape {tuple(t.shape)}")
    return t


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    """torch.nn.functional.ctc_loss. log_probs (T, N, C) are log-probabilities (log_softmax over
    C); targets (N, S) padded, or 1-D with every target concatenated; input_lengths and
    target_lengths (N,) tensors or sequences of ints. reduction 'none' gives (N,) losses, 'sum'
    their sum, 'mean' the mean of each loss divided by its target length (at least 1).
    zero_infinity replaces an impossible alignment's infinite loss (and its gradient) by 0.
    CPU only (the recursion steps through time on the host).

    Example::

        >>> lp = ug.log_softmax(ug.zeros(3, 1, 3), -1)  # uniform over {blank, a, b}
        >>> ug.nn.functional.ctc_loss(lp, ug.tensor([[1]]), [3], [1], reduction="sum")
        tensor(1.5041)
    """
    if reduction not in ("none", "sum", "mean"):
        raise InvalidArgumentError(f"ctc_loss: reduction must be 'none', 'sum' or 'mean', got {reduction!r}")
    if log_probs.ndim != 3:
        raise ShapeError(f"ctc_loss: log_probs must be (T, N, C), got shape {tuple(log_probs.shape)}")
    n = log_probs.shape[1]
    input_lengths, target_lengths = _lengths(input_lengths, n, "input_lengths"), _lengths(target_lengths, n,
                                                                                           "target_lengths")
    if targets.ndim == 1:
        targets = _padded(targets, target_lengths)
    targets = _tensor(targets.cpu().numpy().astype(np.int64))  # recursion's bookkeeping runs on the CPU
    nll = dispatch(ctc_nll_op, (log_probs, targets, input_lengths, target_lengths),
                   {"blank": int(blank)})
    if zero_infinity:
        nll = F.where(F.isinf(nll), F.zeros_like(nll), nll)
    if reduction == "none":
        return nll
    if reduction == "sum":
        return F.sum(nll)
    return F.mean(F.div(nll, F.clamp(F.to_dtype(target_lengths, nll.dtype), min=1)))


def _loss_samples():
    base = _samples()[0]
    lp, targets, il, tl = base.inputs
    flat = np.concatenate([targets[i, :tl[i]] for i in range(len(tl))])
    return [Sample(base.inputs, {"reduction": "mean"}), Sample(base.inputs, {"reduction": "sum"}, name="sum"),
            Sample((lp, flat, il, tl), {"reduction": "none"}, name="flat_targets"),
            Sample((lp[:2], targets, np.array([2, 2, 2]), tl), {"zero_infinity": True}, name="impossible")]


def _torch_loss(torch, log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean",
                zero_infinity=False):
    """The reductions over _torch_ref's exact-gradient per-sequence losses (torch's own reduced
    values are checked against ug's in tests/torch_api/test_ctc_loss.py)."""
    if targets.ndim == 1:
        rows, start = [], 0
        for n in target_lengths.tolist():
            rows.append(torch.nn.functional.pad(targets[start:start + n], (0, int(target_lengths.max()) - n)))
            start += n
        targets = torch.stack(rows)
    nll = _torch_ref(torch, log_probs, targets, input_lengths, target_lengths, blank, zero_infinity)
    if reduction == "none":
        return nll
    if reduction == "sum":
        return nll.sum()
    return (nll / target_lengths.clamp(min=1).to(nll.dtype)).mean()


register(ctc_nll_op)
register(ctc_nll_grad_op)
register(OpDef(name="ctc_loss", impl=ctc_loss, variants=Variants(functional=True), samples=_loss_samples,
               torch_ref=_torch_loss), public=ctc_loss)
