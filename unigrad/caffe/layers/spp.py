"""SPP: spatial pyramid pooling. Level l pools the bottom into 2^l x 2^l bins (kernel
ceil(size / bins), stride = kernel, pad (kernel * bins - size + 1) / 2, as Caffe's SPPLayer
sets up its pooling layers); each level is flattened and the levels are concatenated along
axis 1 (with pyramid_height 1, the single pooled blob is the top)."""
import math

from ...ops import api as F
from ..proto import caffe_pb2 as pb
from .base import Layer
from .pooling import Pooling
from .registry import layer_type


@layer_type("SPP")
class SPP(Layer):
    bottoms = (1, 1)
    tops = (1, 1)

    def setup(self, bottom_shapes):
        p = self.param.spp_param
        shape = bottom_shapes[0]
        if len(shape) != 4:
            raise self.shape_error(f"the bottom must have 4 axes (num, channels, height, width), got {list(shape)}")
        if not p.HasField("pyramid_height") or p.pyramid_height < 1:
            raise self.fail("spp_param needs pyramid_height >= 1")
        if p.pool == pb.SPPParameter.STOCHASTIC:
            raise self.fail("STOCHASTIC pooling exists only in Caffe's GPU build; use MAX or AVE")
        self.shape = tuple(shape)
        self.levels = [self._level(l, shape) for l in range(p.pyramid_height)]
        return []

    def _level(self, level, shape):
        bins = 2 ** level
        h, w = shape[2], shape[3]
        kh, kw = int(math.ceil(h / bins)), int(math.ceil(w / bins))
        param = pb.LayerParameter(name=f"{self.name}_level{level}", type="Pooling", bottom=list(self.param.bottom),
                                  top=[f"{self.name}_level{level}"])
        pp = param.pooling_param
        pp.pool = self.param.spp_param.pool
        pp.kernel_h, pp.kernel_w = kh, kw
        pp.stride_h, pp.stride_w = kh, kw
        pp.pad_h, pp.pad_w = (kh * bins - h + 1) // 2, (kw * bins - w + 1) // 2
        pool = Pooling(param, self.phase)
        try:
            pool.setup([tuple(shape)])
        except Exception as exc:  # Caffe's own checks (pad < kernel) fail for bottoms smaller than the bins
            raise self.shape_error(f"pyramid level {level} ({bins}x{bins} bins) does not fit the {h}x{w} bottom: "
                                   f"{exc}") from None
        return pool

    def forward(self, bottoms, params, ctx):
        x = bottoms[0]
        if tuple(x.shape) != self.shape:
            self.setup([tuple(x.shape)])
        outs = [level.forward([x], [], ctx)[0] for level in self.levels]
        if len(outs) == 1:
            return outs
        n = x.shape[0]
        return [F.cat([F.reshape(o, (n, -1)) for o in outs], dim=1)]
