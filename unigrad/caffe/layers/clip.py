"""Clip: x clamped to [min, max] (gradient 1 inside, 0 outside)."""
from ...ops import api as F
from .base import Neuron
from .registry import layer_type


@layer_type("Clip")
class Clip(Neuron):
    def setup(self, bottom_shapes):
        p = self.param.clip_param
        if not (p.HasField("min") and p.HasField("max")):
            raise self.fail("clip_param needs both min and max")
        if p.min > p.max:
            raise self.fail(f"clip_param min {p.min} is above max {p.max}")
        return []

    def apply(self, x):
        p = self.param.clip_param
        return F.clamp(x, p.min, p.max)
