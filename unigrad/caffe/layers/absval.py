"""AbsVal: |x| (gradient sign(x), 0 at 0)."""
from ...ops import api as F
from .base import Neuron
from .registry import layer_type


@layer_type("AbsVal")
class AbsVal(Neuron):
    def apply(self, x):
        return F.abs(x)
