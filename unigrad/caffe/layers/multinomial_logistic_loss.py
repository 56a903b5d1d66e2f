"""MultinomialLogisticLoss: -sum log(max(p[label], 1e-20)) / N over probability bottoms."""
from ...ops import api as F
from .common import count
from .loss import Loss, labels_as_index
from .registry import layer_type


@layer_type("MultinomialLogisticLoss")
class MultinomialLogisticLoss(Loss):
    def setup(self, bottom_shapes):
        p, labels = bottom_shapes
        if count(labels) != p[0]:
            raise self.shape_error(f"one label per item: labels {list(labels)} for probabilities {list(p)}")
        return []

    def forward(self, bottoms, params, ctx):
        p, label = bottoms
        n = p.shape[0]
        picked = F.gather(F.reshape(p, (n, -1)), 1, F.reshape(labels_as_index(label), (n, 1)))
        return [F.div(F.neg(F.sum(F.log(F.clamp(picked, min=1e-20)))), float(n))]
