"""nan_to_num: nan, inf and -inf replaced by finite numbers; the gradient passes where the input
was finite."""
import numpy as np

from .. import api as F
from ..dispatch import dispatch
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn
from .unary import same_infer


def _forward(xp, x, nan=0.0, posinf=None, neginf=None):
    if x.dtype.kind not in "fc":
        return x.copy()
    return xp.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


def _backward(ctx, g):
    return (F.where(F.isfinite(ctx.inputs[0]), g, F.zeros_like(g)),)


def _special():
    x = randn(3, 4)
    x[0, 0], x[1, 2], x[2, 3] = np.nan, np.inf, -np.inf
    return x


nan_to_num_op = OpDef(
    name="nan_to_num", forward=_forward, backward=_backward, infer=same_infer,
    variants=Variants(methods=("nan_to_num",), inplace=("nan_to_num_",)),
    samples=lambda: [Sample((_special(),), grad=False), Sample((_special(),), {"nan": 1.5, "posinf": 9.0, "neginf": -9.0},
                                                                grad=False),
                     Sample((randn(3, 4),))],
    torch_ref=lambda torch, x, nan=0.0, posinf=None, neginf=None: torch.nan_to_num(x, nan, posinf, neginf),
    reference=_forward)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    """input with nan replaced by `nan`, inf by `posinf` and -inf by `neginf` (by default the
    largest and smallest finite values of input's dtype), as torch.nan_to_num.

    Example::

        >>> ug.nan_to_num(ug.tensor([float("nan"), 1.0, float("inf")]), posinf=100.0)
        tensor([  0.,   1., 100.])
    """
    attrs = {"nan": float(nan)}
    if posinf is not None:
        attrs["posinf"] = float(posinf)
    if neginf is not None:
        attrs["neginf"] = float(neginf)
    return dispatch(nan_to_num_op, (input,), attrs)


register(nan_to_num_op, public=nan_to_num)
