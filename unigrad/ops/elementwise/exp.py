"""exp: e ** input, elementwise."""
import numpy as np

from .. import api as F
from ..dispatch import dispatch
from ..operands import as_float_tensor
from ..registry import Onnx, OpDef, Variants, register
from .binary import NO_ATTRS
from .facts import ufunc_facts
from .unary import any_samples, same_infer


def _forward(xp, x):
    return xp.exp(x)


def _backward(ctx, g):
    return (F.mul(g, ctx.output()),)


exp_op = OpDef(
    name="exp", forward=_forward, array_fn=np.exp, backward=_backward, infer=same_infer,
    onnx=Onnx("Exp"),
    saves_outputs=True, saves_inputs=False,
    compiled=ufunc_facts("exp", "exp({0})"),
    variants=Variants(methods=("exp",), inplace=("exp_",)),
    samples=any_samples, torch_ref=lambda torch, x: torch.exp(x), reference=_forward)


def exp(input):
    """``e ** input``, elementwise (integer inputs become the default float).

    Example::

        >>> ug.exp(ug.tensor([0.0, 1.0]))
        tensor([1.    , 2.7183])
    """
    return dispatch(exp_op, (as_float_tensor(input),), NO_ATTRS)


register(exp_op, public=exp)
