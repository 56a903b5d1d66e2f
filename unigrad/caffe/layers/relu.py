"""ReLU: max(x, 0) + negative_slope * min(x, 0)."""
from ...ops import api as F
from .base import Neuron
from .registry import layer_type


@layer_type("ReLU")
class ReLU(Neuron):
    def apply(self, x):
        slope = self.param.relu_param.negative_slope
        return F.relu(x) if slope == 0 else F.leaky_relu(x, slope)
