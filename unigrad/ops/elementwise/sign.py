"""sign: -1, 0 or 1 by the sign of each element (no gradient)."""
from ..dispatch import dispatch
from ..registry import Onnx, OpDef, Variants, register
from .binary import NO_ATTRS
from .unary import kink_samples, same_infer


def _forward(xp, x):
    return xp.sign(x)


sign_op = OpDef(
    name="sign", forward=_forward, diff_outputs=(), infer=same_infer, variants=Variants(methods=("sign",)),
    onnx=Onnx("Sign"),
    samples=kink_samples, torch_ref=lambda torch, x: torch.sign(x), reference=_forward)


def sign(input):
    """-1, 0 or 1 by the sign of each element, in input's dtype.

    Example::

        >>> ug.sign(ug.tensor([-3.0, 0.0, 2.0]))
        tensor([-1.,  0.,  1.])
    """
    return dispatch(sign_op, (input,), NO_ATTRS)


register(sign_op, public=sign)
