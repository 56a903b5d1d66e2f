"""Order statistics over sort: kthvalue, median, quantile and nanquantile-free forms, with
torch's names and results; composites, so their gradients flow through sort's positions."""
import numpy as np

from ...core.tensor import Tensor, tensor as _tensor
from ...errors import InvalidArgumentError, OutOfBoundsError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import normalize_dim
from .common import ValuesIndices


def _pick(values, indices, d, k, keepdim):
    v = F.narrow(values, d, k, 1)
    i = F.narrow(indices, d, k, 1)
    return ValuesIndices((v, i) if keepdim else (F.squeeze(v, d), F.squeeze(i, d)))


def kthvalue(input, k, dim=-1, keepdim=False):
    """The k-th smallest element along dim (k from 1) and its index: a (values, indices) pair,
    as torch.kthvalue.

    Example::

        >>> ug.kthvalue(ug.tensor([3.0, 1.0, 2.0]), 2)
        (tensor(2.), tensor(2))
    """
    if input.ndim == 0:
        return ValuesIndices((input, F.zeros((), dtype="int64", device=input.device)))
    d = normalize_dim("kthvalue", dim, input.ndim)
    if not 1 <= k <= input.shape[d]:
        raise OutOfBoundsError(f"kthvalue: k={k} out of range for dim {d} of size {input.shape[d]}")
    values, indices = F.sort(input, d)
    return _pick(values, indices, d, k - 1, keepdim)


def median(input, dim=None, keepdim=False):
    """The median (the lower of the two middle values for an even count), of all elements as a
    0-d tensor, or along dim as a (values, indices) pair, as torch.median.

    Example::

        >>> ug.median(ug.tensor([4.0, 1.0, 3.0, 2.0]))
        tensor(2.)
        >>> ug.tensor([[1.0, 5.0, 2.0]]).median(dim=1)
        (tensor([2.]), tensor([2]))
    """
    if dim is None:
        flat = F.reshape(input, (-1,))
        if not flat.numel():
            return F.full((), float("nan"), dtype=input.dtype, device=input.device)
        return F.sort(flat)[0][(flat.numel() - 1) // 2]
    if input.ndim == 0:
        return ValuesIndices((input, F.zeros((), dtype="int64", device=input.device)))
    d = normalize_dim("median", dim, input.ndim)
    values, indices = F.sort(input, d)
    return _pick(values, indices, d, (input.shape[d] - 1) // 2, keepdim)


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def quantile(input, q, dim=None, keepdim=False, interpolation="linear"):
    """The q-th quantiles (q in [0, 1], a number or a 1-D tensor of them) of all elements or
    along dim, between the sorted values as `interpolation` says ('linear', 'lower', 'higher',
    'midpoint', 'nearest'), as torch.quantile; a tensor q puts its dim first.

    Example::

        >>> ug.quantile(ug.tensor([1.0, 2.0, 3.0, 4.0]), 0.5)
        tensor(2.5)
        >>> ug.quantile(ug.tensor([1.0, 2.0, 3.0, 4.0]), ug.tensor([0.25, 1.0]), interpolation="lower")
        tensor([1., 4.])
    """
    if interpolation not in _INTERPOLATIONS:
        raise InvalidArgumentError(f"quantile: interpolation must be one of {_INTERPOLATIONS}, got {interpolation!r}")
    qs = np.asarray(q.detach().cpu().numpy() if isinstance(q, Tensor) else q, dtype=np.float64)
    if qs.ndim > 1 or (qs < 0).any() or (qs > 1).any():
        raise InvalidArgumentError(f"quantile: q must be a number or a 1-D tensor of numbers in [0, 1], got {q}")
    x = F.reshape(input, (-1,)) if dim is None else input
    d = 0 if dim is None else normalize_dim("quantile", dim, input.ndim)
    n = x.shape[d]
    values = F.sort(x, d)[0]
    real = np.float64 if input.dtype.name == "float64" else np.float32
    pos = qs.reshape(-1).astype(real) * real(n - 1)  # in input's precision, so rounding picks as torch's
    lo, hi = np.floor(pos).astype(np.int64), np.ceil(pos).astype(np.int64)
    if interpolation == "lower":
        hi = lo
    elif interpolation == "higher":
        lo = hi
    elif interpolation == "nearest":
        lo = hi = np.round(pos).astype(np.int64)  # (NumPy's and torch's round-half-to-even)
    frac = 0.5 if interpolation == "midpoint" else pos - lo
    a = F.index_select(values, d, _tensor(lo, device=x.device))
    b = F.index_select(values, d, _tensor(hi, device=x.device))
    shape = [1] * x.ndim
    shape[d] = -1
    w = _tensor(np.broadcast_to(frac, lo.shape).reshape(shape), dtype=x.dtype, device=x.device)
    out = F.add(a, F.mul(F.sub(b, a), w))
    out = F.movedim(out, d, 0)  # the q dim first, as torch
    if keepdim:
        out = F.reshape(out, (out.shape[0],) + tuple(1 if dim is None or i == d else s
                                                     for i, s in enumerate(input.shape)))
    return out[0] if qs.ndim == 0 else out


register(OpDef(name="kthvalue", impl=kthvalue, variants=Variants(methods=("kthvalue",)),
               samples=lambda: [Sample((randn(3, 5), 2)), Sample((randn(4, 3), 4, 0), {"keepdim": True})],
               torch_ref=lambda torch, x, k, dim=-1, keepdim=False: tuple(torch.kthvalue(x, k, dim, keepdim))))
register(OpDef(name="median", impl=median, variants=Variants(methods=("median",)),
               samples=lambda: [Sample((randn(3, 5),)), Sample((randn(4, 4),), {"dim": 1}),
                                Sample((randn(3, 4),), {"dim": 0, "keepdim": True})],
               torch_ref=lambda torch, x, dim=None, keepdim=False: torch.median(x) if dim is None else
               tuple(torch.median(x, dim, keepdim))))
register(OpDef(name="quantile", impl=quantile, variants=Variants(methods=("quantile",)),
               samples=lambda: [Sample((randn(3, 5), 0.3)), Sample((randn(4, 5), np.array([0.1, 0.5, 0.9])), {"dim": 1}, diff=(0,)),
                                Sample((randn(3, 4), 0.7), {"dim": 0, "keepdim": True}),
                                Sample((randn(6,), 0.4), {"interpolation": "midpoint"}),
                                Sample((randn(6,), np.array([0.3, 0.7])), {"interpolation": "nearest"}, diff=(0,)),
                                Sample((randn(2, 6), 0.45), {"dim": 1, "interpolation": "higher"})],
               torch_ref=lambda torch, x, q, **kw: torch.quantile(x, q if isinstance(q, float) else q, **kw)))
