"""isinf: which elements are infinite, positive or negative (no gradient)."""
import numpy as np

from ...backend import dtypes as _dt
from ..dispatch import dispatch
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec
from .binary import NO_ATTRS


def _forward(xp, x):
    return xp.isinf(x)


isinf_op = OpDef(
    name="isinf", forward=_forward, diff_outputs=(), infer=lambda x: Spec(x.shape, _dt.bool_),
    onnx=Onnx("IsInf", opset=10),
    variants=Variants(methods=("isinf",)),
    samples=lambda: [Sample((np.where(randn(3, 4, seed=2) > 0.5, np.inf, np.where(randn(3, 4, seed=3) > 0.5, -np.inf,
                                                                                  randn(3, 4))),), grad=False)],
    torch_ref=lambda torch, x: torch.isinf(x), reference=_forward)


def isinf(input):
    """Whether each element is +inf or -inf: a bool tensor.

    Example::

        >>> ug.isinf(ug.tensor([1.0, float("inf"), -float("inf"), float("nan")]))
        tensor([False,  True,  True, False])
    """
    return dispatch(isinf_op, (input,), NO_ATTRS)


register(isinf_op, public=isinf)
