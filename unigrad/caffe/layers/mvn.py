"""MVN: mean subtraction and, with normalize_variance, division by (std + eps), per (N, C) over
the spatial axes, or per N over (C, H, W) with across_channels."""
from ...ops import api as F
from .base import Neuron
from .registry import layer_type


@layer_type("MVN")
class MVN(Neuron):
    def apply(self, x):
        p = self.param.mvn_param
        axes = tuple(range(1 if p.across_channels else 2, x.ndim))
        centred = F.sub(x, F.mean(x, dim=axes, keepdim=True))
        if not p.normalize_variance:
            return centred
        std = F.sqrt(F.mean(F.square(centred), dim=axes, keepdim=True))
        return F.div(centred, F.add(std, p.eps))
