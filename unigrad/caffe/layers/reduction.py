"""Reduction: SUM, ASUM (of |x|), SUMSQ or MEAN over all axes from `axis` on, times coeff; the top
keeps the axes before `axis`."""
from ...ops import api as F
from ..proto import caffe_pb2 as pb
from .base import Layer
from .common import canonical_axis
from .registry import layer_type

OP = pb.ReductionParameter


@layer_type("Reduction")
class Reduction(Layer):
    bottoms = (1, 1)
    tops = (1, 1)

    def setup(self, bottom_shapes):
        self.axis = canonical_axis(self, self.param.reduction_param.axis, len(bottom_shapes[0]))
        return []

    def forward(self, bottoms, params, ctx):
        p = self.param.reduction_param
        x = bottoms[0]
        flat = F.reshape(x, tuple(x.shape[:self.axis]) + (-1,))
        if p.operation == OP.ASUM:
            flat = F.abs(flat)
        elif p.operation == OP.SUMSQ:
            flat = F.square(flat)
        y = F.mean(flat, dim=-1) if p.operation == OP.MEAN else F.sum(flat, dim=-1)
        return [F.mul(y, p.coeff) if p.coeff != 1 else y]
