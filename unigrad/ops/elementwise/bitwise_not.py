"""bitwise_not: elementwise bitwise complement of integer (or bool) tensors (no gradient)."""
import numpy as np

from ..dispatch import dispatch
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec
from .binary import NO_ATTRS


def _forward(xp, x):
    return xp.invert(x)


bitwise_not_op = OpDef(
    name="bitwise_not", forward=_forward, diff_outputs=(),
    onnx=Onnx(emit=lambda e, x: e.node("Not" if e.dtype(x).name == "bool" else "BitwiseNot", [x])),
    infer=lambda x: Spec(x.shape, x.dtype),
    variants=Variants(methods=("bitwise_not",)),
    samples=lambda: [Sample((np.array([[0, 1, -2], [7, -8, 100]]),), grad=False),
                     Sample((randn(3, 4) > 0,), grad=False)],
    torch_ref=lambda torch, x: torch.bitwise_not(x), reference=_forward)


def bitwise_not(input):
    """Elementwise ``~input``: the bitwise complement of integers, ``not`` of bools (torch.bitwise_not).

    Example::

        >>> ug.bitwise_not(ug.tensor([0, 5, -1]))
        tensor([-1, -6,  0])
    """
    return dispatch(bitwise_not_op, (input,), NO_ATTRS)


register(bitwise_not_op, public=bitwise_not)
