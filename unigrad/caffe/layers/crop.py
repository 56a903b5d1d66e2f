"""Crop: the first bottom cut to the second bottom's shape on every axis from `axis` on, at the
given offsets (one for all cropped axes, or one each; 0 by default)."""
from ...ops import api as F
from .base import Layer
from .common import canonical_axis
from .registry import layer_type


@layer_type("Crop")
class Crop(Layer):
    bottoms = (2, 2)
    tops = (1, 1)

    def setup(self, bottom_shapes):
        self.window(*bottom_shapes)
        return []

    def window(self, x, ref):
        """The index that cuts bottom shape x to ref from the crop axis on."""
        p = self.param.crop_param
        if len(x) != len(ref):
            raise self.shape_error(f"both bottoms need the same number of axes, got {list(x)} and {list(ref)}")
        self.axis = canonical_axis(self, p.axis, len(x))
        n = len(x) - self.axis
        offsets = list(p.offset)
        if len(offsets) not in (0, 1, n):
            raise self.fail(f"offset needs 0, 1 or {n} values, got {len(offsets)}")
        offsets = offsets * n if len(offsets) == 1 else (offsets or [0] * n)
        window = []
        for i in range(len(x)):
            if i < self.axis:
                window.append(slice(None))
                continue
            off, size = offsets[i - self.axis], ref[i]
            if off + size > x[i]:
                raise self.shape_error(f"crop of axis {i}: offset {off} + size {size} exceeds the bottom's {x[i]}")
            window.append(slice(off, off + size))
        return tuple(window)

    def forward(self, bottoms, params, ctx):
        return [F.getitem(bottoms[0], self.window(tuple(bottoms[0].shape), tuple(bottoms[1].shape)))]
