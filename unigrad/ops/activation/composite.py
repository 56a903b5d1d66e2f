"""Activations defined as compositions of other ops: elu, softplus, gelu, silu, and friends."""
import math

from .. import api as F
from ..registry import OpDef, Sample, register
from ..sampling import away_from, randn
from ...errors import InvalidArgumentError


def elu(input, alpha=1.0, inplace=False):
    return F.where(F.gt(input, 0), input, F.mul(F.sub(F.exp(F.clamp(input, max=0.0)), 1.0), alpha))


def softplus(input, beta=1.0, threshold=20.0):
    scaled = F.mul(input, beta) if beta != 1 else input
    # max(z, 0) + log(1 + exp(-|z|)) is the overflow-free form of log(1 + exp(z))
    soft = F.add(F.relu(scaled), F.log(F.add(F.exp(F.neg(F.abs(scaled))), 1.0)))
    if beta != 1:
        soft = F.div(soft, beta)
    return F.where(F.gt(scaled, threshold), input, soft)


def gelu(input, approximate="none"):
    if approximate == "tanh":
        inner = F.mul(F.add(input, F.mul(F.mul(F.mul(input, input), input), 0.044715)), math.sqrt(2 / math.pi))
        return F.mul(F.mul(input, 0.5), F.add(F.tanh(inner), 1.0))
    if approximate != "none":
        raise InvalidArgumentError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return F.mul(F.mul(input, 0.5), F.add(F.erf(F.mul(input, 1 / math.sqrt(2))), 1.0))


def silu(input, inplace=False):
    return F.mul(input, F.sigmoid(input))


def hardtanh(input, min_val=-1.0, max_val=1.0):
    return F.clamp(input, min_val, max_val)


def relu6(input, inplace=False):
    return F.clamp(input, 0.0, 6.0)


def _smooth():
    return [Sample((randn(3, 4),)), Sample((randn(5, seed=2) * 3,))]


register(OpDef(name="elu", impl=elu,
               samples=lambda: [Sample((away_from(3, 4),)), Sample((away_from(5, seed=1),), {"alpha": 0.5})],
               torch_ref=lambda torch, x, alpha=1.0: torch.nn.functional.elu(x, alpha)))
register(OpDef(name="softplus", impl=softplus,
               samples=lambda: [Sample((randn(3, 4) * 4,)), Sample((away_from(6, points=(2.0,)) * 3,),
                                                                   {"beta": 2.0, "threshold": 4.0})],
               torch_ref=lambda torch, x, beta=1.0, threshold=20.0: torch.nn.functional.softplus(x, beta, threshold)))
register(OpDef(name="gelu", impl=gelu,
               samples=lambda: [Sample((randn(3, 4),)), Sample((randn(5, seed=2),), {"approximate": "tanh"})],
               torch_ref=lambda torch, x, approximate="none": torch.nn.functional.gelu(x, approximate=approximate)))
register(OpDef(name="silu", impl=silu, samples=_smooth,
               torch_ref=lambda torch, x: torch.nn.functional.silu(x)))
register(OpDef(name="hardtanh", impl=hardtanh,
               samples=lambda: [Sample((away_from(3, 4, points=(-1.0, 1.0)),))],
               torch_ref=lambda torch, x, min_val=-1.0, max_val=1.0: torch.nn.functional.hardtanh(x, min_val, max_val)))
register(OpDef(name="relu6", impl=relu6,
               samples=lambda: [Sample((away_from(3, 4, points=(0.0,)) * 4,))],
               torch_ref=lambda torch, x: torch.nn.functional.relu6(x)))
