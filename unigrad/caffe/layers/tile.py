"""Tile: the bottom repeated `tiles` times along `axis` (whole blocks, as numpy.tile)."""
from ...ops import api as F
from .base import Layer
from .common import canonical_axis
from .registry import layer_type


@layer_type("Tile")
class Tile(Layer):
    bottoms = (1, 1)
    tops = (1, 1)

    def setup(self, bottom_shapes):
        p = self.param.tile_param
        if not p.HasField("tiles") or p.tiles < 1:
            raise self.fail("tile_param needs tiles >= 1")
        self.axis = canonical_axis(self, p.axis, len(bottom_shapes[0]))
        return []

    def forward(self, bottoms, params, ctx):
        x = bottoms[0]
        sizes = [1] * x.ndim
        sizes[self.axis] = self.param.tile_param.tiles
        return [F.repeat(x, *sizes)]
