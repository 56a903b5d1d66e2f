"""Slice: the bottom cut along `axis` at `slice_point`s (one fewer than the tops), or into equal
parts when none are given; deprecated `slice_dim` wins when given."""
from ...ops import api as F
from .base import Layer
from .common import canonical_axis
from .registry import layer_type


@layer_type("Slice")
class Slice(Layer):
    bottoms = (1, 1)
    tops = (1, None)

    def setup(self, bottom_shapes):
        p = self.param.slice_param
        if p.HasField("slice_dim") and p.HasField("axis"):
            raise self.fail("give either axis or the deprecated slice_dim, not both")
        shape = bottom_shapes[0]
        self.axis = p.slice_dim if p.HasField("slice_dim") else canonical_axis(self, p.axis, len(shape))
        self.bounds(shape)
        return []

    def bounds(self, shape):
        """(start, end) along the axis for each top."""
        p = self.param.slice_param
        size, n = shape[self.axis], len(self.param.top)
        points = list(p.slice_point)
        if points:
            if len(points) != n - 1 or points != sorted(points) or len(set(points)) != len(points) \
                    or points[0] <= 0 or points[-1] >= size:
                raise self.fail(f"slice_point {points} must be {n - 1} increasing points inside (0, {size})")
        else:
            if size % n:
                raise self.shape_error(f"axis {self.axis} of size {size} cannot be cut into {n} equal parts")
            points = [size // n * i for i in range(1, n)]
        return list(zip([0] + points, points + [size]))

    def forward(self, bottoms, params, ctx):
        x = bottoms[0]
        lead = (slice(None),) * self.axis
        return [F.getitem(x, lead + (slice(a, b),)) for a, b in self.bounds(tuple(x.shape))]
