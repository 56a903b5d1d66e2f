"""logsumexp: log(sum(exp(input))) over dims, computed stably, a composite."""
from .. import api as F
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn


def logsumexp(input, dim, keepdim=False):
    """``log(sum(exp(input), dim))``, computed as ``m + log(sum(exp(input - m)))`` with m the
    largest element, so large inputs do not overflow; where every element is -inf the result is
    -inf (not nan).

    Args:
        dim: an int or a tuple of ints.
        keepdim: keep each reduced dim with size 1, so that the result broadcasts against input.

    Example::

        >>> ug.logsumexp(ug.tensor([[0.0, 0.0], [1.0, 2.0]]), 1)
        tensor([0.6931, 2.3133])
        >>> ug.tensor([-1000.0, -1000.0]).logsumexp(0)
        tensor(-999.3068)
    """
    peak = F.amax(input, dim=dim, keepdim=True).detach()
    peak = F.where(F.isfinite(peak), peak, F.zeros_like(peak))  # all -inf rows stay -inf, not nan
    out = F.add(F.log(F.sum(F.exp(F.sub(input, peak)), dim=dim, keepdim=True)), peak)
    return out if keepdim else F.squeeze(out, dim)


register(OpDef(name="logsumexp", impl=logsumexp, variants=Variants(methods=("logsumexp",)),
               onnx=Onnx(emit=lambda e, input, dim, keepdim=False: e.reduce("ReduceLogSumExp", input, e.axes(dim), keepdim)),
               samples=lambda: [Sample((randn(3, 4) * 10,), {"dim": 1}),
                                Sample((randn(2, 3, 4),), {"dim": (0, 2), "keepdim": True})],
               torch_ref=lambda torch, x, dim, keepdim=False: torch.logsumexp(x, dim, keepdim)))
