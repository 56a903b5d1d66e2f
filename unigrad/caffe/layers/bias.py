"""Bias: y = x + b, b broadcast over axes [axis, axis + num_axes) of x; b is a learned blob or
the second bottom."""
from ...ops import api as F
from .base import Layer, ParamBlob
from .common import filler
from .registry import layer_type
from .scale import broadcast, covered_shape


@layer_type("Bias")
class Bias(Layer):
    blob_names = ("bias",)
    bottoms = (1, 2)
    tops = (1, 1)

    def setup(self, bottom_shapes):
        p = self.param.bias_param
        other = bottom_shapes[1] if len(bottom_shapes) == 2 else None
        self.axis, shape = covered_shape(self, bottom_shapes[0], p.axis, p.num_axes, other)
        return [] if other is not None else [ParamBlob(shape, filler(p, "filler", "constant", 0.0))]

    def forward(self, bottoms, params, ctx):
        x = bottoms[0]
        b = bottoms[1] if len(bottoms) == 2 else params[0]
        return [F.add(x, broadcast(b, x.ndim, self.axis))]
