"""Im2col: each output position's window as a column, N x (C kh kw) x OH x OW with channels
(c, ki, kj) in that order (convolution_param's kernel/pad/stride/dilation; 2-D only)."""
from ...ops import api as F
from .base import Layer
from .convolution import geometry
from .registry import layer_type


@layer_type("Im2col")
class Im2col(Layer):
    bottoms = (1, 1)
    tops = (1, 1)

    def setup(self, bottom_shapes):
        p = self.param.convolution_param
        if len(bottom_shapes[0]) != 4 or (p.HasField("axis") and p.axis != 1) or p.force_nd_im2col:
            raise self.fail(f"Im2col is built for N x C x H x W bottoms (axis 1) only, got {list(bottom_shapes[0])}")
        self.kernel, self.pad, self.stride, self.dilation = geometry(self, p, 2)
        return []

    def forward(self, bottoms, params, ctx):
        x = bottoms[0]
        n, c = x.shape[0], x.shape[1]
        pads = (self.pad[0], self.pad[0], self.pad[1], self.pad[1])
        cols = F.im2col(x, tuple(self.kernel), tuple(self.stride), pads, tuple(self.dilation))
        oh = (x.shape[2] + 2 * self.pad[0] - self.dilation[0] * (self.kernel[0] - 1) - 1) // self.stride[0] + 1
        ow = (x.shape[3] + 2 * self.pad[1] - self.dilation[1] * (self.kernel[1] - 1) - 1) // self.stride[1] + 1
        rows = c * self.kernel[0] * self.kernel[1]
        return [F.permute(F.reshape(cols, (rows, oh, ow, n)), (3, 0, 1, 2))]
