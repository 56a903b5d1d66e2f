"""PReLU: ReLU with a learned negative slope per channel (or one shared), initialised to 0.25."""
from ...ops import api as F
from .base import Layer, ParamBlob
from .common import filler
from .registry import layer_type


@layer_type("PReLU")
class PReLU(Layer):
    blob_names = ("weight",)
    bottoms = (1, 1)
    tops = (1, 1)

    def setup(self, bottom_shapes):
        p = self.param.prelu_param
        shape = bottom_shapes[0]
        if len(shape) < 2:
            raise self.shape_error(f"the bottom needs at least 2 axes (num, channels, ...), got {list(shape)}")
        self.shared = p.channel_shared
        return [ParamBlob([] if self.shared else [shape[1]], filler(p, "filler", "constant", 0.25))]

    def forward(self, bottoms, params, ctx):
        x, slope = bottoms[0], params[0]
        if not self.shared:
            slope = F.reshape(slope, (1, -1) + (1,) * (x.ndim - 2))
        return [F.where(F.gt(x, 0.0), x, F.mul(x, slope))]
