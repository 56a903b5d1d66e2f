"""EuclideanLoss: sum((a - b)^2) / (2 N), N the first dimension; both bottoms get gradients."""
from ...ops import api as F
from .common import count
from .loss import Loss
from .registry import layer_type


@layer_type("EuclideanLoss")
class EuclideanLoss(Loss):
    no_backward_to = ()

    def setup(self, bottom_shapes):
        a, b = bottom_shapes
        if count(a, 1) != count(b, 1) or a[0] != b[0]:
            raise self.shape_error(f"the bottoms must have the same count per item, got {list(a)} and {list(b)}")
        return []

    def forward(self, bottoms, params, ctx):
        a, b = bottoms
        diff = F.sub(a, F.reshape(b, tuple(a.shape)))
        return [F.div(F.sum(F.square(diff)), 2.0 * a.shape[0])]
