"""Exp: base ^ (shift + scale * x); base -1 (the default) means e."""
import math

from ...ops import api as F
from .base import Neuron
from .registry import layer_type


@layer_type("Exp")
class Exp(Neuron):
    def setup(self, bottom_shapes):
        p = self.param.exp_param
        if p.base != -1 and p.base <= 0:
            raise self.fail(f"base must be -1 (e) or positive, got {p.base}")
        self.log_base = 1.0 if p.base == -1 else math.log(p.base)
        return []

    def apply(self, x):
        p = self.param.exp_param
        inner = F.mul(x, p.scale * self.log_base) if p.scale * self.log_base != 1 else x
        shift = p.shift * self.log_base
        return F.exp(F.add(inner, shift) if shift else inner)
