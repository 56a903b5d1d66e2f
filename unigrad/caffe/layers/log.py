"""Log: log_base(shift + scale * x); base -1 (the default) means e."""
import math

from ...ops import api as F
from .base import Neuron
from .registry import layer_type


@layer_type("Log")
class Log(Neuron):
    def setup(self, bottom_shapes):
        p = self.param.log_param
        if p.base != -1 and p.base <= 0:
            raise self.fail(f"base must be -1 (e) or positive, got {p.base}")
        self.inv_log_base = 1.0 if p.base == -1 else 1.0 / math.log(p.base)
        return []

    def apply(self, x):
        p = self.param.log_param
        inner = F.mul(x, p.scale) if p.scale != 1 else x
        inner = F.add(inner, p.shift) if p.shift else inner
        y = F.log(inner)
        return F.mul(y, self.inv_log_base) if self.inv_log_base != 1 else y
