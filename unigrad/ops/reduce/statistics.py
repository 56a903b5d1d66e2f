"""trapezoid (trapz), cumulative_trapezoid, cov and corrcoef: integrals and covariances with torch's
names, composites of slicing, sums, cumsum and matmul."""
from ...core.tensor import Tensor
from ...errors import ShapeError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import positive, randn
from ..spec import normalize_dim


def _pieces(y, x, dx, dim):
    d = normalize_dim("trapezoid", dim, y.ndim)
    n = y.shape[d]
    lead = (slice(None),) * d
    left, right = y[lead + (slice(0, n - 1),)], y[lead + (slice(1, n),)]
    avg = F.mul(F.add(left, right), 0.5)
    if x is None:
        return F.mul(avg, dx), d
    if not isinstance(x, Tensor):
        raise ShapeError("trapezoid: x must be a tensor")
    if x.ndim == 1:
        shape = [1] * y.ndim
        shape[d] = -1
        x = F.reshape(x, tuple(shape))
        spacing = F.sub(F.narrow(x, d, 1, n - 1), F.narrow(x, d, 0, n - 1))
    else:
        spacing = F.sub(F.narrow(x, d, 1, n - 1), F.narrow(x, d, 0, n - 1))
    return F.mul(avg, spacing), d


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """The trapezoidal-rule integral of y along dim, at sample points x (or spacing dx, default 1),
    as torch.trapezoid (also trapz).

    Example::

        >>> ug.trapezoid(ug.tensor([1.0, 2.0, 3.0]))
        tensor(4.)
        >>> ug.trapezoid(ug.tensor([1.0, 2.0, 3.0]), ug.tensor([0.0, 1.0, 3.0]))
        tensor(6.5)
    """
    if isinstance(x, (int, float)):
        x, dx = None, x
    pieces, d = _pieces(y, x, 1.0 if dx is None else dx, dim)
    return F.sum(pieces, d)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """The running trapezoidal integral along dim (one fewer value than y), as
    torch.cumulative_trapezoid.

    Example::

        >>> ug.cumulative_trapezoid(ug.tensor([1.0, 2.0, 3.0]))
        tensor([1.5, 4. ])
    """
    if isinstance(x, (int, float)):
        x, dx = None, x
    pieces, d = _pieces(y, x, 1.0 if dx is None else dx, dim)
    return F.cumsum(pieces, d)


def cov(input, *, correction=1, fweights=None, aweights=None):
    """The covariance matrix of the variables in input's rows (observations in columns), as
    torch.cov; fweights and aweights are not supported.

    Example::

        >>> ug.cov(ug.tensor([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]]))
        tensor([[ 1., -1.],
                [-1.,  1.]])
    """
    if fweights is not None or aweights is not None:
        raise ShapeError("cov: fweights and aweights are not supported yet")
    x = F.reshape(input, (1, -1)) if input.ndim < 2 else input
    n = x.shape[1]
    centered = F.sub(x, F.mean(x, dim=1, keepdim=True))
    out = F.div(F.matmul(centered, F.transpose(centered, 0, 1)), max(n - correction, 0) or float("nan"))
    return F.reshape(out, ()) if input.ndim < 2 else out


def corrcoef(input):
    """The Pearson correlation matrix of the variables in input's rows (torch.corrcoef).

    Example::

        >>> ug.corrcoef(ug.tensor([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]]))
        tensor([[ 1., -1.],
                [-1.,  1.]])
    """
    c = cov(input)
    if input.ndim < 2:
        return F.div(c, c)
    std = F.sqrt(F.diagonal(c))
    out = F.div(F.div(c, F.unsqueeze(std, 1)), F.unsqueeze(std, 0))
    return F.clamp(out, -1.0, 1.0)


register(OpDef(name="trapezoid", impl=trapezoid, variants=Variants(aliases=("trapz",)),
               samples=lambda: [Sample((randn(3, 5),)), Sample((randn(3, 5), positive(5, seed=1).cumsum())),
                                Sample((randn(4, 3),), {"dx": 0.5, "dim": 0})],
               torch_ref=lambda torch, y, *a, **kw: torch.trapezoid(y, *a, **kw)))
register(OpDef(name="cumulative_trapezoid", impl=cumulative_trapezoid,
               samples=lambda: [Sample((randn(3, 5),)), Sample((randn(3, 5), positive(5, seed=1).cumsum()))],
               torch_ref=lambda torch, y, *a, **kw: torch.cumulative_trapezoid(y, *a, **kw)))
register(OpDef(name="cov", impl=cov, variants=Variants(methods=("cov",)),
               samples=lambda: [Sample((randn(3, 6),)), Sample((randn(2, 5),), {"correction": 0}), Sample((randn(6),))],
               torch_ref=lambda torch, x, **kw: torch.cov(x, **kw)))
register(OpDef(name="corrcoef", impl=corrcoef, variants=Variants(methods=("corrcoef",)),
               samples=lambda: [Sample((randn(3, 6),))], torch_ref=lambda torch, x: torch.corrcoef(x)))
