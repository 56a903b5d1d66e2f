"""Sigmoid: 1 / (1 + exp(-x))."""
from ...ops import api as F
from .base import Neuron
from .registry import layer_type


@layer_type("Sigmoid")
class Sigmoid(Neuron):
    def apply(self, x):
        return F.sigmoid(x)
