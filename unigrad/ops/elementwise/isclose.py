"""isclose, allclose and equal: comparisons of whole tensors with torch's tolerances, composites."""
from ...core.tensor import tensor as _tensor
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """``|input - other| <= atol + rtol * |other|`` elementwise (equal infinities are close; nan
    is close to nan only with equal_nan), as torch.isclose.

    Example::

        >>> ug.isclose(ug.tensor([1.0, 2.0]), ug.tensor([1.0 + 1e-7, 2.1]))
        tensor([ True, False])
    """
    if not input.dtype.is_floating_point and not other.dtype.is_floating_point:
        return F.eq(input, other)
    diff = F.abs(F.sub(input, other))
    close = F.logical_or(F.le(diff, F.add(F.mul(F.abs(other), rtol), atol)), F.eq(input, other))
    if equal_nan:
        close = F.logical_or(close, F.logical_and(F.isnan(input), F.isnan(other)))
    return close


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether every element is close (isclose), as a Python bool (torch.allclose).

    Example::

        >>> ug.allclose(ug.tensor([1.0, 2.0]), ug.tensor([1.0, 2.0 + 1e-6]))
        True
    """
    return bool(F.all(isclose(input, other, rtol, atol, equal_nan)))


def equal(input, other):
    """Whether the tensors have the same shape and elements, as a Python bool (torch.equal).

    Example::

        >>> ug.equal(ug.tensor([1, 2]), ug.tensor([1, 2])), ug.equal(ug.tensor([1]), ug.tensor([1, 1]))
        (True, False)
    """
    return tuple(input.shape) == tuple(other.shape) and bool(F.all(F.eq(input, other)))


register(OpDef(name="isclose", impl=isclose, variants=Variants(methods=("isclose",)),
               samples=lambda: [Sample((randn(3, 4), randn(3, 4) + 1e-6 * randn(3, 4, seed=1)), grad=False),
                                Sample((randn(3, 4), randn(3, 4, seed=2)), {"atol": 1.0}, grad=False)],
               torch_ref=lambda torch, a, b, **kw: torch.isclose(a, b, **kw)))
# allclose and equal answer with a Python bool; their registered forms give it as a 0-d tensor,
# which is what the conformance test compares
register(OpDef(name="allclose", impl=lambda *a, **kw: _tensor(allclose(*a, **kw)), variants=Variants(methods=("allclose",)),
               samples=lambda: [Sample((randn(3), randn(3)), grad=False),
                                Sample((randn(3), randn(3, seed=1)), {"atol": 5.0}, grad=False)],
               torch_ref=lambda torch, a, b, **kw: torch.tensor(torch.allclose(a, b, **kw))), public=allclose)
register(OpDef(name="equal", impl=lambda a, b: _tensor(equal(a, b)), variants=Variants(methods=("equal",)),
               samples=lambda: [Sample((randn(3), randn(3)), grad=False)],
               torch_ref=lambda torch, a, b: torch.tensor(torch.equal(a, b))), public=equal)
