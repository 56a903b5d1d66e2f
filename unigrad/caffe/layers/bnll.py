"""BNLL (binomial normal log likelihood): log(1 + exp(x)), computed stably (softplus)."""
from ...ops import api as F
from .base import Neuron
from .registry import layer_type


@layer_type("BNLL")
class BNLL(Neuron):
    def apply(self, x):
        return F.softplus(x)
