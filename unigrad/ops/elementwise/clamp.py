"""clamp: limit each element to [min, max] (either bound may be left out)."""
from ...errors import DtypeError
from .. import api as F
from ..dispatch import dispatch
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import away_from
from .unary import same_infer


def _forward(xp, x, min=None, max=None):
    if min is None and max is None:
        raise DtypeError("op 'clamp': at least one of min and max must be given")
    return xp.clip(x, min, max)


def _backward(ctx, g):
    x = ctx.inputs[0]
    lo, hi = ctx.attrs.get("min"), ctx.attrs.get("max")
    mask = None
    if lo is not None:
        mask = F.ge(x, lo)
    if hi is not None:
        upper = F.le(x, hi)
        mask = upper if mask is None else F.logical_and(mask, upper)
    return (F.where(mask, g, F.zeros_like(g)),)


clamp_op = OpDef(
    name="clamp", forward=_forward, backward=_backward, infer=same_infer,
    onnx=Onnx(emit=lambda e, x, min=None, max=None: e.clip(x, min, max)),
    variants=Variants(aliases=("clip",), methods=("clamp", "clip"), inplace=("clamp_", "clip_")),
    samples=lambda: [Sample((away_from(3, 4, points=(-0.5, 0.5)),), {"min": -0.5, "max": 0.5}),
                     Sample((away_from(3, 4, points=(0.0,)),), {"min": 0.0}),
                     Sample((away_from(5, points=(0.3,)),), {"max": 0.3})],
    torch_ref=lambda torch, x, min=None, max=None: torch.clamp(x, min, max), reference=_forward)


def clamp(input, min=None, max=None):
    """Each element limited to [min, max] (also ``ug.clip``); the gradient is 1 inside, 0 outside.

    Example::

        >>> ug.clamp(ug.tensor([-2.0, 0.5, 3.0]), min=0.0, max=1.0)
        tensor([0. , 0.5, 1. ])
    """
    if min is None and max is None:
        raise DtypeError("clamp: at least one of min and max must be given")
    attrs = {}
    if min is not None:
        attrs["min"] = min
    if max is not None:
        attrs["max"] = max
    return dispatch(clamp_op, (input,), attrs)


register(clamp_op, public=clamp)
