"""isnan: which elements are NaN (no gradient)."""
import numpy as np

from ...backend import dtypes as _dt
from ..dispatch import dispatch
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec
from .binary import NO_ATTRS


def _forward(xp, x):
    return xp.isnan(x)


isnan_op = OpDef(
    name="isnan", forward=_forward, diff_outputs=(), infer=lambda x: Spec(x.shape, _dt.bool_),
    onnx=Onnx("IsNaN"),
    variants=Variants(methods=("isnan",)),
    samples=lambda: [Sample((np.where(randn(3, 4, seed=2) > 0, randn(3, 4), np.nan),), grad=False)],
    torch_ref=lambda torch, x: torch.isnan(x), reference=_forward)


def isnan(input):
    """Whether each element is NaN: a bool tensor.

    Example::

        >>> ug.isnan(ug.tensor([1.0, float("nan")]))
        tensor([False,  True])
    """
    return dispatch(isnan_op, (input,), NO_ATTRS)


register(isnan_op, public=isnan)
