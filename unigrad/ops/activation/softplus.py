"""softplus: log(1 + exp(beta * input)) / beta, linear above threshold, a composite."""
from .. import api as F
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import away_from, randn


def softplus(input, beta=1.0, threshold=20.0):
    """``log(1 + exp(beta * input)) / beta``, and input itself where ``beta * input > threshold``.

    Example::

        >>> ug.nn.functional.softplus(ug.tensor([0.0, 30.0]))
        tensor([ 0.6931, 30.    ])
    """
    scaled = F.mul(input, beta) if beta != 1 else input
    # max(z, 0) + log(1 + exp(-|z|)) is the overflow-free form of log(1 + exp(z))
    soft = F.add(F.relu(scaled), F.log(F.add(F.exp(F.neg(F.abs(scaled))), 1.0)))
    if beta != 1:
        soft = F.div(soft, beta)
    return F.where(F.gt(scaled, threshold), input, soft)


register(OpDef(name="softplus", impl=softplus, variants=Variants(functional=True),
               onnx=Onnx(emit=lambda e, **a: e.softplus(**a)),
               samples=lambda: [Sample((randn(3, 4) * 4,)), Sample((away_from(6, points=(2.0,)) * 3,),
                                                                   {"beta": 2.0, "threshold": 4.0})],
               torch_ref=lambda torch, x, beta=1.0, threshold=20.0: torch.nn.functional.softplus(x, beta, threshold)))
