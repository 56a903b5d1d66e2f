"""log: the natural logarithm, elementwise."""
import numpy as np

from .. import api as F
from ..dispatch import dispatch
from ..operands import as_float_tensor
from ..registry import Onnx, OpDef, Variants, register
from .binary import NO_ATTRS
from .facts import ufunc_facts
from .unary import positive_samples, same_infer


def _forward(xp, x):
    return xp.log(x)


def _backward(ctx, g):
    return (F.div(g, ctx.inputs[0]),)


log_op = OpDef(
    name="log", forward=_forward, array_fn=np.log, backward=_backward, infer=same_infer,
    onnx=Onnx("Log"),
    compiled=ufunc_facts("log", "log({0})", in_place=False),
    variants=Variants(methods=("log",), inplace=("log_",)),
    samples=positive_samples, torch_ref=lambda torch, x: torch.log(x), reference=_forward)


def log(input):
    """The natural logarithm of input, elementwise (-inf at 0, nan below).

    Example::

        >>> ug.log(ug.tensor([1.0, 100.0]))
        tensor([0.    , 4.6052])
    """
    return dispatch(log_op, (as_float_tensor(input),), NO_ATTRS)


register(log_op, public=log)
