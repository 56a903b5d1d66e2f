"""alpha_dropout: dropout that keeps SELU's self-normalising mean and variance (Klambauer et al.):
dropped units take SELU's negative saturation value, then an affine map restores the moments."""
import math

from ...errors import InvalidArgumentError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn

_ALPHA_PRIME = -1.7580993408473766  # -scale * alpha of SELU


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """In training, each element replaced with probability p by SELU's saturation value, then
    ``a * x + b`` with torch's a and b so mean 0 / variance 1 inputs keep them; input itself
    otherwise (torch's alpha_dropout). The masks come from ``ug.bernoulli``.

    Example::

        >>> x = ug.randn(4)
        >>> ug.nn.functional.alpha_dropout(x, 0.5, training=False) is x
        True
    """
    if not 0.0 <= p <= 1.0:
        raise InvalidArgumentError(f"alpha_dropout: p must be in [0, 1], got {p}")
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return F.mul(input, 0.0)
    keep = F.bernoulli(F.full_like(input, 1.0 - p))
    a = 1.0 / math.sqrt((1.0 - p) * (1.0 + p * _ALPHA_PRIME ** 2))
    b = -a * _ALPHA_PRIME * p
    kept = F.add(F.mul(input, keep), F.mul(F.rsub(keep, 1.0), _ALPHA_PRIME))
    return F.add(F.mul(kept, a), b)


register(OpDef(name="alpha_dropout", impl=alpha_dropout, variants=Variants(functional=True),
               samples=lambda: [Sample((randn(3, 4),), {"p": 0.3, "training": False})],
               torch_ref=lambda torch, x, **kw: torch.nn.functional.alpha_dropout(x, **kw)))
