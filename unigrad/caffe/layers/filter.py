"""Filter: the items (along axis 0) of each bottom whose selector (the last bottom, one value per
item) is nonzero; the gradient goes back to the kept items, zero elsewhere, none to the selector.

How many items survive is known only from the data, so Filter runs on the host between the
compiled parts of the net (as Python layers do); the layers after it see a new batch size each
pass. Before the first pass its tops are shaped as if every item were kept."""
import numpy as np

from .base import Layer
from .registry import layer_type


@layer_type("Filter")
class Filter(Layer):
    host = True
    bottoms = (2, None)
    tops = (1, None)

    def setup(self, bottom_shapes):
        if len(self.param.top) != len(self.param.bottom) - 1:
            raise self.fail(f"takes one top per filtered bottom: {len(self.param.bottom) - 1} top(s) for "
                            f"{len(self.param.bottom)} bottoms (the last bottom is the selector), got "
                            f"{len(self.param.top)}")
        selector = bottom_shapes[-1]
        n = selector[0] if selector else 1
        if int(np.prod(selector)) != n:
            raise self.shape_error(f"the selector {list(selector)} must hold one value per item (N or N x 1)")
        for name, shape in zip(self.param.bottom[:-1], bottom_shapes[:-1]):
            if not shape or shape[0] != n:
                raise self.shape_error(f"bottom '{name}' {list(shape)} must have the selector's {n} items first")
        self.shapes = [tuple(s) for s in bottom_shapes[:-1]]
        self.kept = np.arange(n)
        self.no_backward_to = (len(self.param.bottom) - 1,)  # the selector
        return []

    def host_shapes(self):
        return self.shapes

    def host_forward(self, bottoms, tops):
        self.kept = np.flatnonzero(bottoms[-1].data.reshape(-1))
        for bottom, top in zip(bottoms[:-1], tops):
            values = bottom.data[self.kept]
            top.reshape(*values.shape)
            top.data[...] = values

    def host_backward(self, tops, propagate_down, bottoms):
        for top, bottom, down in zip(tops, bottoms[:-1], propagate_down):
            if down:
                diff = np.zeros(bottom.shape, np.float32)
                diff[self.kept] = top.diff
                bottom.diff[...] = diff
