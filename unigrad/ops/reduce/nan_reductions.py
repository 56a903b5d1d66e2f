"""nansum, nanmean, count_nonzero, aminmax, std_mean and logcumsumexp: reductions with torch's
names, composites of sum, where, amax/amin and cumsum."""
import numpy as np

from ...backend import dtypes as _dt
from .. import api as F
from ..dispatch import dispatch
from ..operands import as_float_tensor
from ..spec import Spec
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import normalize_dim


def nansum(input, dim=None, keepdim=False):
    """The sum with nan elements counted as 0 (torch.nansum).

    Example::

        >>> ug.nansum(ug.tensor([1.0, float("nan"), 2.0]))
        tensor(3.)
    """
    return F.sum(F.where(F.isnan(input), F.zeros_like(input), input), dim=dim, keepdim=keepdim)


def nanmean(input, dim=None, keepdim=False):
    """The mean of the elements that are not nan (torch.nanmean).

    Example::

        >>> ug.nanmean(ug.tensor([1.0, float("nan"), 2.0]))
        tensor(1.5)
    """
    count = F.sum(F.to_dtype(F.logical_not(F.isnan(input)), input.dtype), dim=dim, keepdim=keepdim)
    return F.div(nansum(input, dim, keepdim), count)


def count_nonzero(input, dim=None):
    """How many elements are not zero, over dim (an int, a tuple, or None for all), as int64
    (torch.count_nonzero).

    Example::

        >>> ug.count_nonzero(ug.tensor([[0, 1], [2, 0]]), dim=0)
        tensor([1, 1])
    """
    return F.sum(F.to_dtype(F.ne(input, 0), _dt.int64), dim=dim)


def aminmax(input, dim=None, keepdim=False):
    """(min, max) of all elements or along dim, as torch.aminmax (also ``.min`` and ``.max``).

    Example::

        >>> ug.aminmax(ug.tensor([3.0, -1.0, 2.0]))
        (tensor(-1.), tensor(3.))
    """
    return _MinMax((F.amin(input, dim=dim, keepdim=keepdim), F.amax(input, dim=dim, keepdim=keepdim)))


class _MinMax(tuple):
    min = property(lambda self: self[0])
    max = property(lambda self: self[1])


def std_mean(input, dim=None, unbiased=None, keepdim=False, correction=None):
    """(std, mean) over dim, as torch.std_mean.

    Example::

        >>> ug.std_mean(ug.tensor([1.0, 2.0, 3.0]))
        (tensor(1.), tensor(2.))
    """
    var, mean = F.var_mean(input, dim=dim, unbiased=unbiased, keepdim=keepdim, correction=correction)
    return F.sqrt(var), mean


def _logcumsumexp_forward(xp, x, dim):
    return xp.logaddexp.accumulate(x, axis=dim) if x.ndim else x.copy()


def _logcumsumexp_backward(ctx, g):
    """d y_j / d x_i = exp(x_i - y_j) for j >= i: formed as a masked (n, n) matrix whose
    exponents are all <= 0, so nothing overflows however far apart the inputs are."""
    x = ctx.inputs[0]
    if x.ndim == 0:
        return (g,)
    dim = ctx.attrs["dim"]
    y = ctx.output(0)
    xl, yl, gl = (F.movedim(t, dim, -1) for t in (x, y, g))
    k = F.arange(x.shape[dim], device=x.device)
    later = F.ge(F.unsqueeze(k, 0), F.unsqueeze(k, 1))  # (i, j): j >= i
    exponent = F.sub(F.unsqueeze(xl, -1), F.unsqueeze(yl, -2))
    weights = F.exp(F.where(later, exponent, F.full_like(exponent, float("-inf"))))
    return (F.movedim(F.sum(F.mul(weights, F.unsqueeze(gl, -2)), -1), -1, dim),)


logcumsumexp_op = OpDef(
    name="logcumsumexp", forward=_logcumsumexp_forward, backward=_logcumsumexp_backward,
    infer=lambda x, dim: Spec(x.shape, x.dtype), saves_outputs=True,
    variants=Variants(methods=("logcumsumexp",)),
    samples=lambda: [Sample((randn(3, 4) * 5,), {"dim": 1}), Sample((randn(4, 2),), {"dim": 0}),
                     Sample((np.array([[0.0, -800.0, 800.0, 1.0]]),), {"dim": 1}, name="spread")],
    torch_ref=lambda torch, x, dim: torch.logcumsumexp(x, dim), reference=_logcumsumexp_forward)


def logcumsumexp(input, dim):
    """``log(cumsum(exp(input), dim))`` without overflow or underflow (a running logaddexp), as
    torch.logcumsumexp.

    Example::

        >>> ug.logcumsumexp(ug.tensor([0.0, 0.0, 3.0]), 0)
        tensor([0.    , 0.6931, 3.0949])
        >>> ug.logcumsumexp(ug.tensor([0.0, 1000.0]), 0).tolist()
        [0.0, 1000.0]
    """
    d = normalize_dim("logcumsumexp", dim, max(input.ndim, 1)) if input.ndim else 0
    return dispatch(logcumsumexp_op, (as_float_tensor(input),), {"dim": d})


register(OpDef(name="nansum", impl=nansum, variants=Variants(methods=("nansum",)),
               samples=lambda: [Sample((randn(3, 4),)), Sample((randn(3, 4),), {"dim": 1})],
               torch_ref=lambda torch, x, dim=None, keepdim=False: torch.nansum(x, dim, keepdim)))
register(OpDef(name="nanmean", impl=nanmean, variants=Variants(methods=("nanmean",)),
               samples=lambda: [Sample((randn(3, 4),)), Sample((randn(3, 4),), {"dim": 0, "keepdim": True})],
               torch_ref=lambda torch, x, dim=None, keepdim=False: torch.nanmean(x, dim, keepdim)))
register(OpDef(name="count_nonzero", impl=count_nonzero, variants=Variants(methods=("count_nonzero",)),
               samples=lambda: [Sample((randn(3, 4).round(),), grad=False), Sample((randn(3, 4).round(), 1), grad=False)],
               torch_ref=lambda torch, x, dim=None: torch.count_nonzero(x, dim)))
register(OpDef(name="aminmax", impl=aminmax, variants=Variants(methods=("aminmax",)),
               samples=lambda: [Sample((randn(3, 4),)), Sample((randn(3, 4),), {"dim": 1, "keepdim": True})],
               torch_ref=lambda torch, x, dim=None, keepdim=False: tuple(torch.aminmax(x, dim=dim, keepdim=keepdim))))
register(OpDef(name="std_mean", impl=std_mean,
               samples=lambda: [Sample((randn(3, 4),)), Sample((randn(3, 4),), {"dim": 1})],
               torch_ref=lambda torch, x, dim=None, **kw: tuple(torch.std_mean(x, dim, **kw))))
register(logcumsumexp_op, public=logcumsumexp)
