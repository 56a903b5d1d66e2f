"""Flatten: axes [axis, end_axis] merged into one."""
from ...ops import api as F
from .base import Layer
from .common import canonical_axis, count
from .registry import layer_type


@layer_type("Flatten")
class Flatten(Layer):
    bottoms = (1, 1)
    tops = (1, 1)

    def setup(self, bottom_shapes):
        p, ndim = self.param.flatten_param, len(bottom_shapes[0])
        self.start = canonical_axis(self, p.axis, ndim)
        self.end = canonical_axis(self, p.end_axis, ndim)
        if self.end < self.start:
            raise self.fail(f"end_axis {p.end_axis} comes before axis {p.axis}")
        return []

    def forward(self, bottoms, params, ctx):
        x = bottoms[0]
        shape = tuple(x.shape)
        return [F.reshape(x, shape[:self.start] + (count(shape, self.start, self.end + 1),) + shape[self.end + 1:])]
