"""masked_fill: input with value where a bool mask holds, a composite of where."""
from .. import api as F
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn


def masked_fill(input, mask, value):
    """input with `value` (a number, in input's dtype) where the bool `mask` is true (mask and
    input broadcast). The filled positions pass no gradient back to input.

    Example::

        >>> x = ug.tensor([1.0, -2.0, 3.0])
        >>> ug.masked_fill(x, x < 0, 0.0)
        tensor([1., 0., 3.])
    """
    return F.where(mask, F.full((), value, dtype=input.dtype, device=input.device), input)


register(OpDef(name="masked_fill", impl=masked_fill, variants=Variants(methods=("masked_fill",),
                                                                       inplace=("masked_fill_",)),
               onnx=Onnx(emit=lambda e, input, mask, value: e.node("Where", [
                   mask, value if isinstance(value, str) else e.scalar(value, e.dtype(input)), input])),
               samples=lambda: [Sample((randn(3, 4), randn(3, 4, seed=2) > 0, 2.5), {})],
               torch_ref=lambda torch, x, mask, value: x.masked_fill(mask, value)))
