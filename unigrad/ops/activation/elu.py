"""elu: input where positive, alpha * (exp(input) - 1) elsewhere, a composite."""
from .. import api as F
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import away_from


def elu(input, alpha=1.0, inplace=False):
    """input where positive, ``alpha * (exp(input) - 1)`` elsewhere (inplace is accepted for
    PyTorch's signature; the result is always a new tensor).

    Example::

        >>> ug.nn.functional.elu(ug.tensor([-1.0, 2.0]))
        tensor([-0.6321,  2.    ])
    """
    return F.where(F.gt(input, 0), input, F.mul(F.sub(F.exp(F.clamp(input, max=0.0)), 1.0), alpha))


register(OpDef(name="elu", impl=elu, variants=Variants(functional=True),
               onnx=Onnx(emit=lambda e, input, alpha=1.0, inplace=False: e.node("Elu", [input], alpha=float(alpha))),
               samples=lambda: [Sample((away_from(3, 4),)), Sample((away_from(5, seed=1),), {"alpha": 0.5})],
               torch_ref=lambda torch, x, alpha=1.0: torch.nn.functional.elu(x, alpha)))
