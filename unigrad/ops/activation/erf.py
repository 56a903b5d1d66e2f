"""erf: the Gauss error function, elementwise (GELU is built on it)."""
import math

import numpy as np

from .. import api as F
from ..dispatch import dispatch
from ..registry import Onnx, OpDef, Variants, register
from ..elementwise.binary import NO_ATTRS
from ..elementwise.unary import same_infer
from .common import floating, smooth_samples


def _forward(xp, x):
    if xp is not np:
        from cupyx.scipy.special import erf as cupy_erf
        return cupy_erf(x)
    try:
        from scipy.special import erf as scipy_erf  # fast path when SciPy is installed
        return scipy_erf(x).astype(x.dtype, copy=False)
    except ImportError:
        return np.frompyfunc(math.erf, 1, 1)(x).astype(x.dtype)


def _backward(ctx, g):
    x = ctx.inputs[0]
    return (F.mul(g, F.mul(F.exp(F.neg(F.mul(x, x))), 2.0 / math.sqrt(math.pi))),)


erf_op = OpDef(
    name="erf", forward=_forward, backward=_backward, infer=same_infer, variants=Variants(methods=("erf",)),
    onnx=Onnx("Erf"),
    samples=smooth_samples, torch_ref=lambda torch, x: torch.erf(x),
    reference=lambda np, x: np.vectorize(math.erf)(x) if x.size else x)


def erf(input):
    """The error function ``2 / sqrt(pi) * integral of exp(-t^2) from 0 to input``, elementwise.

    Example::

        >>> ug.erf(ug.tensor([0.0, 1.0]))
        tensor([0.    , 0.8427])
    """
    return dispatch(erf_op, (floating(input),), NO_ATTRS)


register(erf_op, public=erf)
