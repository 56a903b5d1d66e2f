"""Eltwise: SUM with one coefficient per bottom, PROD, or MAX (the gradient goes to the
maximum; of the first two bottoms the second wins a tie, later bottoms must be strictly
greater), over bottoms of one shape."""
from ...ops import api as F
from ..proto import caffe_pb2 as pb
from .base import Layer
from .registry import layer_type


@layer_type("Eltwise")
class Eltwise(Layer):
    bottoms = (2, None)
    tops = (1, 1)

    def setup(self, bottom_shapes):
        p = self.param.eltwise_param
        if any(tuple(s) != tuple(bottom_shapes[0]) for s in bottom_shapes[1:]):
            raise self.shape_error(f"all bottoms must have one shape, got {[list(s) for s in bottom_shapes]}")
        if len(p.coeff) and (p.operation != pb.EltwiseParameter.SUM or len(p.coeff) != len(bottom_shapes)):
            raise self.fail("coeff is for SUM only, one per bottom "
                            f"({len(bottom_shapes)} bottoms, {len(p.coeff)} coefficients)")
        return []

    def forward(self, bottoms, params, ctx):
        p = self.param.eltwise_param
        if p.operation == pb.EltwiseParameter.PROD:
            y = bottoms[0]
            for x in bottoms[1:]:
                y = F.mul(y, x)
            return [y]
        if p.operation == pb.EltwiseParameter.MAX:
            a, b = bottoms[0], bottoms[1]
            y = F.where(F.gt(a, b), a, b)
            for x in bottoms[2:]:
                y = F.where(F.gt(x, y), x, y)
            return [y]
        coeffs = list(p.coeff) or [1.0] * len(bottoms)
        y = None
        for x, c in zip(bottoms, coeffs):
            term = x if c == 1 else F.mul(x, float(c))
            y = term if y is None else F.add(y, term)
        return [y]
