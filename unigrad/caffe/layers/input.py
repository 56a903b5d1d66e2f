"""Input: tops of `input_param.shape` (one shape for all tops, or one per top) whose values the
user supplies (net.blobs[name].data[...] = x, or net.forward(name=x))."""
from .base import Source
from .registry import layer_type


@layer_type("Input")
class Input(Source):
    fed = True

    def setup(self, bottom_shapes):
        shapes = [tuple(int(d) for d in s.dim) for s in self.param.input_param.shape]
        n = len(self.param.top)
        if len(shapes) not in (1, n):
            raise self.fail(f"input_param needs one shape, or one per top ({n}), got {len(shapes)}")
        if any(d < 0 for s in shapes for d in s):
            raise self.fail(f"input shapes must not be negative, got {shapes}")
        self.shapes = shapes * n if len(shapes) == 1 else shapes
        return []

    def top_shapes(self):
        return self.shapes

    def next_batch(self):
        return None
