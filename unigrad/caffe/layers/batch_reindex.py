"""BatchReindex: top[i] = bottom[0][bottom[1][i]] along the batch axis (indices may repeat or
skip items); the gradient sums into the picked items. The index bottom gets none."""
from ...ops import api as F
from .base import Layer
from .registry import layer_type


@layer_type("BatchReindex")
class BatchReindex(Layer):
    bottoms = (2, 2)
    tops = (1, 1)
    no_backward_to = (1,)

    def setup(self, bottom_shapes):
        if len(bottom_shapes[1]) != 1:
            raise self.shape_error(f"the index bottom must be 1-D, got {list(bottom_shapes[1])}")
        return []

    def forward(self, bottoms, params, ctx):
        index = F.to_dtype(bottoms[1].detach(), "int64")
        return [F.index_select(bottoms[0], 0, index)]
