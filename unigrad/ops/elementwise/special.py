"""erfc, erfinv, lgamma and digamma (and trigamma, digamma's derivative, internal): special
functions through SciPy when it is installed (CuPy's on the GPU), else the NumPy forms of
special_fallback.py; gradients in ops (erfinv's and lgamma's differentiate again)."""
import math

import numpy as np

from ...errors import UnigradError
from .. import api as F
from ..dispatch import dispatch
from ..operands import as_float_tensor
from ..registry import INTERNAL, OpDef, Sample, Variants, register
from ..sampling import positive, randn
from . import special_fallback
from .binary import NO_ATTRS
from .unary import same_infer


def _kernel(name):
    def forward(xp, x):
        if xp is not np:
            import cupyx.scipy.special as cs
            return getattr(cs, "polygamma")(1, x) if name == "trigamma" else getattr(cs, name)(x)
        try:
            import scipy.special as ss
        except ImportError:
            return getattr(special_fallback, name)(x)
        out = ss.polygamma(1, x) if name == "trigamma" else getattr(ss, "gammaln" if name == "lgamma" else name)(x)
        return np.asarray(out).astype(x.dtype, copy=False)
    return forward


def _op(name, backward, samples, torch_ref, variants=None, double_backward=True, saves_outputs=False):
    op = OpDef(name=name, forward=_kernel(name), backward=backward, infer=same_infer, saves_outputs=saves_outputs,
               variants=variants or Variants(methods=(name,), inplace=(name + "_",)), samples=samples,
               torch_ref=torch_ref, reference=_kernel(name), double_backward=double_backward)
    return op


erfc_op = _op("erfc", lambda ctx, g: (F.mul(g, F.mul(F.exp(F.neg(F.mul(ctx.inputs[0], ctx.inputs[0]))),
                                                      -2.0 / math.sqrt(math.pi))),),
              lambda: [Sample((randn(3, 4),))], lambda torch, x: torch.erfc(x))
erfinv_op = _op("erfinv", lambda ctx, g: (F.mul(g, F.mul(F.exp(F.mul(ctx.output(0), ctx.output(0))),
                                                          math.sqrt(math.pi) / 2)),),
                lambda: [Sample((positive(3, 4, low=-0.95, high=0.95),))], lambda torch, x: torch.erfinv(x),
                saves_outputs=True)
def _no_trigamma_gradient(ctx, g):
    raise UnigradError("trigamma has no gradient yet (digamma differentiates once, lgamma twice)")


trigamma_op = _op("trigamma", _no_trigamma_gradient, lambda: [Sample((positive(3, 4, low=0.3, high=8.0),), grad=False)],
                  lambda torch, x: torch.polygamma(1, x), variants=INTERNAL)
digamma_op = _op("digamma", lambda ctx, g: (F.mul(g, dispatch(trigamma_op, (ctx.inputs[0],), NO_ATTRS)),),
                 lambda: [Sample((positive(3, 4, low=0.3, high=8.0),)), Sample((np.array([-2.5, -0.3, 0.7, 30.0]),))],
                 lambda torch, x: torch.digamma(x), double_backward=False)
lgamma_op = _op("lgamma", lambda ctx, g: (F.mul(g, digamma(ctx.inputs[0])),),
                lambda: [Sample((positive(3, 4, low=0.3, high=8.0),)), Sample((np.array([-2.5, -0.3, 0.7, 30.0]),))],
                lambda torch, x: torch.lgamma(x), double_backward=False)


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


def lgamma(input):
    """``log|Gamma(input)|`` (torch.lgamma); its gradient is digamma.

    Example::

        >>> ug.lgamma(ug.tensor([1.0, 5.0]))
        tensor([0.    , 3.1781])
    """
    return dispatch(lgamma_op, (as_float_tensor(input),), NO_ATTRS)


register(erfc_op, public=erfc)
register(erfinv_op, public=erfinv)
register(trigamma_op, public=lambda x: dispatch(trigamma_op, (x,), NO_ATTRS))
register(digamma_op, public=digamma)
register(lgamma_op, public=lgamma)
