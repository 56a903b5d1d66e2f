"""Swish: x * sigmoid(beta * x)."""
from ...ops import api as F
from .base import Neuron
from .registry import layer_type


@layer_type("Swish")
class Swish(Neuron):
    def apply(self, x):
        beta = self.param.swish_param.beta
        return F.mul(x, F.sigmoid(F.mul(x, beta) if beta != 1 else x))
