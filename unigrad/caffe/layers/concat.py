"""Concat: the bottoms joined along `axis` (deprecated `concat_dim` wins when given)."""
from ...ops import api as F
from .base import Layer
from .common import canonical_axis
from .registry import layer_type


@layer_type("Concat")
class Concat(Layer):
    bottoms = (1, None)
    tops = (1, 1)

    def setup(self, bottom_shapes):
        p = self.param.concat_param
        if p.HasField("concat_dim") and p.HasField("axis"):
            raise self.fail("give either axis or the deprecated concat_dim, not both")
        shape = bottom_shapes[0]
        self.axis = p.concat_dim if p.HasField("concat_dim") else canonical_axis(self, p.axis, len(shape))
        for s in bottom_shapes[1:]:
            if len(s) != len(shape) or any(a != b for i, (a, b) in enumerate(zip(s, shape)) if i != self.axis):
                raise self.shape_error(f"bottoms must agree on every axis but {self.axis}, got "
                                       f"{[list(s) for s in bottom_shapes]}")
        return []

    def forward(self, bottoms, params, ctx):
        return [bottoms[0] if len(bottoms) == 1 else F.cat(list(bottoms), self.axis)]
