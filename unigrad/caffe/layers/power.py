"""Power: (shift + scale * x) ^ power."""
from ...ops import api as F
from .base import Neuron
from .registry import layer_type


@layer_type("Power")
class Power(Neuron):
    def apply(self, x):
        p = self.param.power_param
        if p.power == 0:
            return F.full_like(x, 1.0)  # Caffe: constant 1, no gradient
        base = x
        if p.scale != 1:
            base = F.mul(base, p.scale)
        if p.shift != 0:
            base = F.add(base, p.shift)
        if p.power == 1:
            return base
        if p.power == 2:
            return F.square(base)
        return F.pow(base, float(p.power))
