"""ELU: x for x > 0, alpha * (exp(x) - 1) otherwise."""
from ...ops import api as F
from .base import Neuron
from .registry import layer_type


@layer_type("ELU")
class ELU(Neuron):
    def apply(self, x):
        return F.elu(x, self.param.elu_param.alpha)
