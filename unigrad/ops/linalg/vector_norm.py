"""vector_norm: torch.linalg.vector_norm, the ord-norm of the elements over dims (a composite of
abs, pow, sum and amax/amin)."""
import math

from ...errors import InvalidArgumentError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn


def vector_norm(x, ord=2, dim=None, keepdim=False, dtype=None):
    """The ord-norm of x's elements over dim (None: all of them, as one vector), as
    torch.linalg.vector_norm: ``sum(|x| ** ord) ** (1 / ord)``; ord inf / -inf give the largest /
    smallest ``|x|``, ord 0 the count of nonzeros.

    Example::

        >>> x = ug.tensor([[3.0, -4.0], [0.0, 1.0]])
        >>> ug.linalg.vector_norm(x)
        tensor(5.0990)
        >>> ug.linalg.vector_norm(x, ord=float("inf"), dim=1)
        tensor([4., 1.])
    """
    if dtype is not None:
        x = F.to_dtype(x, dtype)
    if not x.dtype.is_floating_point:
        raise InvalidArgumentError(f"linalg.vector_norm: expected a floating point input, got {x.dtype}")
    if isinstance(dim, list):
        dim = tuple(dim)
    a = F.abs(x)
    if ord == math.inf:
        return F.amax(a, dim=dim, keepdim=keepdim) if x.numel() else F.sum(a, dim=dim, keepdim=keepdim)
    if ord == -math.inf:
        return F.amin(a, dim=dim, keepdim=keepdim)
    if ord == 0:
        return F.sum(F.to_dtype(F.ne(x, 0.0), x.dtype), dim=dim, keepdim=keepdim)
    if ord == 1:
        return F.sum(a, dim=dim, keepdim=keepdim)
    if ord == 2:
        return F.sqrt(F.sum(F.mul(x, x), dim=dim, keepdim=keepdim))
    return F.pow(F.sum(F.pow(a, ord), dim=dim, keepdim=keepdim), 1.0 / ord)


register(OpDef(name="vector_norm", impl=vector_norm, variants=Variants(function=False),
               samples=lambda: [Sample((randn(3, 4),), {}), Sample((randn(3, 4),), {"ord": 1, "dim": 1}),
                                Sample((randn(2, 3, 4),), {"ord": 3, "dim": (0, 2), "keepdim": True}),
                                Sample((randn(3, 4),), {"ord": float("inf"), "dim": 0}),
                                Sample((randn(3, 4),), {"ord": float("-inf")}),
                                Sample((randn(3, 4),), {"ord": 0, "dim": 1}, grad=False),
                                Sample((randn(5),), {"ord": 0.5})],
               torch_ref=lambda torch, x, ord=2, dim=None, keepdim=False: torch.linalg.vector_norm(x, ord, dim, keepdim)))
