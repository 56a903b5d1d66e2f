"""Reshape: `shape` replaces axes [axis, axis + num_axes) of the bottom; a 0 copies the bottom's
dimension, one -1 is inferred from the count."""
from ...ops import api as F
from .base import Layer
from .common import count
from .registry import layer_type


@layer_type("Reshape")
class Reshape(Layer):
    bottoms = (1, 1)
    tops = (1, 1)

    def setup(self, bottom_shapes):
        p = self.param.reshape_param
        dims = list(p.shape.dim)
        if dims.count(-1) > 1:
            raise self.fail(f"shape {dims} may infer (-1) at most one dimension")
        if any(d < -1 for d in dims):
            raise self.fail(f"shape {dims} may hold only -1, 0 and positive sizes")
        self.top_shape(bottom_shapes[0])
        return []

    def top_shape(self, shape):
        p = self.param.reshape_param
        dims, ndim = list(p.shape.dim), len(shape)
        start = p.axis if p.axis >= 0 else ndim + p.axis + 1
        if not 0 <= start <= ndim:
            raise self.shape_error(f"axis {p.axis} is out of range for the bottom {list(shape)}")
        end = ndim if p.num_axes == -1 else start + p.num_axes
        if p.num_axes < -1 or end > ndim:
            raise self.shape_error(f"num_axes {p.num_axes} from axis {start} runs past the bottom {list(shape)}")
        out = []
        for i, d in enumerate(dims):
            if d == 0:
                if start + i >= ndim:
                    raise self.shape_error(f"dimension {i} is 0 (copy) but the bottom {list(shape)} has no axis "
                                           f"{start + i}")
                d = shape[start + i]
            out.append(d)
        full = list(shape[:start]) + out + list(shape[end:])
        if -1 in full:
            known = count([d for d in full if d != -1])
            if known == 0 or count(shape) % known:
                raise self.shape_error(f"cannot infer the -1 in {dims}: the bottom {list(shape)} has {count(shape)} "
                                       f"elements")
            full[full.index(-1)] = count(shape) // known
        if count(full) != count(shape):
            raise self.shape_error(f"shape {dims} gives {full} ({count(full)} elements) but the bottom "
                                   f"{list(shape)} has {count(shape)}")
        return tuple(full)

    def forward(self, bottoms, params, ctx):
        x = bottoms[0]
        return [F.reshape(x, self.top_shape(tuple(x.shape)))]
