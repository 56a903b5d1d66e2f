"""Threshold: 1 where x > threshold, else 0 (no gradient, as in Caffe)."""
from ...ops import api as F
from .base import Neuron
from .registry import layer_type


@layer_type("Threshold")
class Threshold(Neuron):
    def apply(self, x):
        return F.to_dtype(F.gt(x.detach(), float(self.param.threshold_param.threshold)), x.dtype)
