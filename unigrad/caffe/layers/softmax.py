"""Softmax along `axis` (default 1)."""
from ...ops import api as F
from .base import Neuron
from .common import canonical_axis
from .registry import layer_type


@layer_type("Softmax")
class Softmax(Neuron):
    def setup(self, bottom_shapes):
        self.axis = canonical_axis(self, self.param.softmax_param.axis, len(bottom_shapes[0]))
        return []

    def apply(self, x):
        return F.softmax(x, self.axis)
