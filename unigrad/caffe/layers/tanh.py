"""TanH: the hyperbolic tangent."""
from ...ops import api as F
from .base import Neuron
from .registry import layer_type


@layer_type("TanH")
class TanH(Neuron):
    def apply(self, x):
        return F.tanh(x)
