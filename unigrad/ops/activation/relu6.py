"""relu6: input clamped to [0, 6], a composite of clamp."""
from .. import api as F
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import away_from


def relu6(input, inplace=False):
    """input clamped to [0, 6].

    Example::

        >>> ug.nn.functional.relu6(ug.tensor([-1.0, 3.0, 8.0]))
        tensor([0., 3., 6.])
    """
    return F.clamp(input, 0.0, 6.0)


register(OpDef(name="relu6", impl=relu6, variants=Variants(functional=True),
               onnx=Onnx(emit=lambda e, input, inplace=False: e.clip(input, 0.0, 6.0)),
               samples=lambda: [Sample((away_from(3, 4, points=(0.0,)) * 4,))],
               torch_ref=lambda torch, x: torch.nn.functional.relu6(x)))
