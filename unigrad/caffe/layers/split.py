"""Split: the bottom handed to several tops (inserted by the net for blobs with several
consumers; autograd sums the tops' gradients, as Caffe's backward does)."""
from .base import Layer
from .registry import layer_type


@layer_type("Split")
class Split(Layer):
    bottoms = (1, 1)
    tops = (1, None)

    def forward(self, bottoms, params, ctx):
        return [bottoms[0]] * len(self.param.top)
