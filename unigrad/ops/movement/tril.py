"""tril: the on and below the diagonal-th diagonal of the last two dims kept, the rest zeroed (a mask,
so the gradient is the same mask applied to the gradient)."""
import numpy as np

from .. import api as F
from ..dispatch import dispatch
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec
from ...errors import ShapeError


def _forward(xp, x, diagonal=0):
    return xp.tril(x, diagonal)


def _backward(ctx, g):
    return (F.tril(g, ctx.attrs["diagonal"]),)


def _infer(x, diagonal=0):
    if len(x.shape) < 2:
        raise ShapeError(f"tril: input must have at least 2 dims, got shape {tuple(x.shape)}")
    return Spec(x.shape, x.dtype)


tril_op = OpDef(
    name="tril", forward=_forward, backward=_backward, infer=_infer, saves_inputs=False,
    onnx=Onnx(emit=lambda e, x, diagonal=0: e.node("Trilu", [x, e.const(np.asarray(diagonal, np.int64))], upper=0),
              opset=14),
    variants=Variants(methods=("tril",), inplace=("tril_",)),
    samples=lambda: [Sample((randn(4, 4),), {"diagonal": 0}), Sample((randn(2, 3, 5),), {"diagonal": 1}),
                     Sample((randn(5, 3),), {"diagonal": -1}), Sample((randn(4, 3).T,), {"diagonal": 0})],
    torch_ref=lambda torch, x, diagonal=0: torch.tril(x, diagonal), reference=_forward)


def tril(input, diagonal=0):
    """input with the elements above the diagonal-th diagonal of its last two dims set to 0
    (diagonal 0: the main one, > 0 above it, < 0 below it), as torch.tril.

    Example::

        >>> ug.tril(ug.ones(3, 3))
        tensor([[1., 0., 0.],
                [1., 1., 0.],
                [1., 1., 1.]])
    """
    return dispatch(tril_op, (input,), {"diagonal": int(diagonal)})


register(tril_op, public=tril)
