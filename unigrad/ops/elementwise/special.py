"""erfc, erfinv, lgamma, digamma and polygamma: special functions through SciPy when it is
installed (CuPy's on the GPU), else the NumPy forms of special_fallback.py; gradients in ops,
differentiable again (digamma's derivative is polygamma(1), polygamma(n)'s is polygamma(n + 1))."""
import math

import numpy as np

from ...errors import InvalidArgumentError
from .. import api as F
from ..dispatch import dispatch
from ..operands import as_float_tensor
from ..registry import OpDef, Sample, Variants, register
from ..sampling import positive, randn
from . import special_fallback
from .binary import NO_ATTRS
from .unary import same_infer


def _kernel(name):
    def forward(xp, x):
        if xp is not np:
            import cupyx.scipy.special as cs
            return getattr(cs, name)(x)
        try:
            import scipy.special as ss
        except ImportError:
            return getattr(special_fallback, name)(x)
        out = getattr(ss, "gammaln" if name == "lgamma" else name)(x)
        return np.asarray(out).astype(x.dtype, copy=False)
    return forward


def _polygamma_forward(xp, x, n):
    if xp is not np:
        import cupyx.scipy.special as cs
        return cs.polygamma(n, x).astype(x.dtype, copy=False)
    try:
        import scipy.special as ss
    except ImportError:
        return special_fallback.polygamma(n, x) if n else special_fallback.digamma(x)
    return np.asarray(ss.polygamma(n, x)).astype(x.dtype, copy=False)


def _op(name, backward, samples, torch_ref, variants=None, saves_outputs=False):
    op = OpDef(name=name, forward=_kernel(name), backward=backward, infer=same_infer, saves_outputs=saves_outputs,
               variants=variants or Variants(methods=(name,), inplace=(name + "_",)), samples=samples,
               torch_ref=torch_ref, reference=_kernel(name))
    return op


erfc_op = _op("erfc", lambda ctx, g: (F.mul(g, F.mul(F.exp(F.neg(F.mul(ctx.inputs[0], ctx.inputs[0]))),
                                                      -2.0 / math.sqrt(math.pi))),),
              lambda: [Sample((randn(3, 4),))], lambda torch, x: torch.erfc(x))
erfinv_op = _op("erfinv", lambda ctx, g: (F.mul(g, F.mul(F.exp(F.mul(ctx.output(0), ctx.output(0))),
                                                          math.sqrt(math.pi) / 2)),),
                lambda: [Sample((positive(3, 4, low=-0.95, high=0.95),))], lambda torch, x: torch.erfinv(x),
                saves_outputs=True)
polygamma_op = OpDef(
    name="polygamma", forward=_polygamma_forward,
    backward=lambda ctx, g: (F.mul(g, polygamma(ctx.attrs["n"] + 1, ctx.inputs[0])),), infer=same_infer,
    variants=Variants(methods={"polygamma": lambda self, n: polygamma(n, self)},
                      inplace={"polygamma_": lambda self, n: polygamma(n, self)}),
    samples=lambda: [Sample((positive(3, 4, low=0.3, high=8.0),), {"n": 1}),
                     Sample((np.array([-2.5, -0.3, 0.7, 30.0]),), {"n": 2}, name="negative"),
                     Sample((positive(5, low=0.5, high=4.0, seed=3),), {"n": 4}, name="n4")],
    torch_ref=lambda torch, x, n: torch.polygamma(n, x), reference=_polygamma_forward)
digamma_op = _op("digamma", lambda ctx, g: (F.mul(g, polygamma(1, ctx.inputs[0])),),
                 lambda: [Sample((positive(3, 4, low=0.3, high=8.0),)), Sample((np.array([-2.5, -0.3, 0.7, 30.0]),))],
                 lambda torch, x: torch.digamma(x))
lgamma_op = _op("lgamma", lambda ctx, g: (F.mul(g, digamma(ctx.inputs[0])),),
                lambda: [Sample((positive(3, 4, low=0.3, high=8.0),)), Sample((np.array([-2.5, -0.3, 0.7, 30.0]),))],
                lambda torch, x: torch.lgamma(x))


def erfc(input):
    """``1 - erf(input)`` without the cancellation for large inputs (torch.erfc).

    Example::

        >>> ug.erfc(ug.tensor([0.0, 1.0]))
        tensor([1.    , 0.1573])
    """
    return dispatch(erfc_op, (as_float_tensor(input),), NO_ATTRS)


def erfinv(input):
    """The inverse error function on (-1, 1) (+-inf at +-1), as torch.erfinv.

    Example::

        >>> ug.erfinv(ug.tensor([0.0, 0.5]))
        tensor([0.    , 0.4769])
    """
    return dispatch(erfinv_op, (as_float_tensor(input),), NO_ATTRS)


def digamma(input):
    """The logarithmic derivative of the gamma function, psi(x) (torch.digamma).

    Example::

        >>> ug.digamma(ug.tensor([1.0, 2.0]))
        tensor([-0.5772,  0.4228])
    """
    return dispatch(digamma_op, (as_float_tensor(input),), NO_ATTRS)


def polygamma(n, input):
    """The n-th derivative of digamma, psi^(n)(input) (torch.polygamma); n = 0 is digamma.

    Example::

        >>> ug.polygamma(1, ug.tensor([1.0, 2.0]))
        tensor([1.6449, 0.6449])
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise InvalidArgumentError(f"polygamma: n must be a non-negative int, got {n!r}")
    return dispatch(polygamma_op, (as_float_tensor(input),), {"n": n})


def lgamma(input):
    """``log|Gamma(input)|`` (torch.lgamma); its gradient is digamma.

    Example::

        >>> ug.lgamma(ug.tensor([1.0, 5.0]))
        tensor([0.    , 3.1781])
    """
    return dispatch(lgamma_op, (as_float_tensor(input),), NO_ATTRS)


register(erfc_op, public=erfc)
register(erfinv_op, public=erfinv)
register(polygamma_op, public=polygamma)
register(digamma_op, public=digamma)
register(lgamma_op, public=lgamma)
