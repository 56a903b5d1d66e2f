"""hardtanh: input clamped to [min_val, max_val], a composite of clamp."""
from .. import api as F
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import away_from


def hardtanh(input, min_val=-1.0, max_val=1.0):
    """input clamped to [min_val, max_val].

    Example::

        >>> ug.nn.functional.hardtanh(ug.tensor([-2.0, 0.5, 2.0]))
        tensor([-1. ,  0.5,  1. ])
    """
    return F.clamp(input, min_val, max_val)


register(OpDef(name="hardtanh", impl=hardtanh, variants=Variants(functional=True),
               onnx=Onnx(emit=lambda e, input, min_val=-1.0, max_val=1.0: e.clip(input, min_val, max_val)),
               samples=lambda: [Sample((away_from(3, 4, points=(-1.0, 1.0)),))],
               torch_ref=lambda torch, x, min_val=-1.0, max_val=1.0: torch.nn.functional.hardtanh(x, min_val, max_val)))
