"""ContrastiveLoss (siamese): (1 / 2N) sum [y d^2 + (1 - y) max(margin - d, 0)^2], d the
Euclidean distance of the pair (legacy_version: max(margin - d^2, 0)). As in Caffe's backward,
the dissimilar term's gradient divides by d + 1e-4 instead of d, so d = 0 gives no NaN."""
from ...ops import api as F
from .base import Layer
from .common import count
from .registry import layer_type


@layer_type("ContrastiveLoss")
class ContrastiveLoss(Layer):
    loss = True
    bottoms = (3, 3)
    tops = (1, 1)
    no_backward_to = (2,)

    def setup(self, bottom_shapes):
        a, b, y = bottom_shapes
        if tuple(a) != tuple(b) or count(y) != a[0]:
            raise self.shape_error(f"needs two bottoms of one shape and one label per pair, got {list(a)}, "
                                   f"{list(b)} and {list(y)}")
        return []

    def forward(self, bottoms, params, ctx):
        a, b, y = bottoms
        p = self.param.contrastive_loss_param
        n = a.shape[0]
        diff = F.reshape(F.sub(a, b), (n, -1))
        dist_sq = F.sum(F.square(diff), dim=1)
        similar = F.to_dtype(F.ne(F.reshape(y.detach(), (n,)), 0.0), a.dtype)
        if p.legacy_version:
            dissimilar = F.relu(F.sub(p.margin, dist_sq))
        else:
            d = F.sqrt(dist_sq).detach()
            # value d, gradient diff / (d + 1e-4): Caffe's regularised derivative of the distance
            dist = F.add(d, F.div(F.sub(dist_sq, dist_sq.detach()), F.mul(F.add(d, 1e-4), 2.0)))
            dissimilar = F.square(F.relu(F.sub(p.margin, dist)))
        total = F.add(F.mul(similar, dist_sq), F.mul(F.sub(1.0, similar), dissimilar))
        return [F.div(F.sum(total), 2.0 * n)]
