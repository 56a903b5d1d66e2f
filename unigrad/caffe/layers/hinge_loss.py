"""HingeLoss: for scores N x K and labels, sum over items and classes of max(0, 1 - y x)
(y = +1 for the label, -1 otherwise), or its square with norm L2, divided by N."""
from ...ops import api as F
from ..proto import caffe_pb2 as pb
from .common import count
from .loss import Loss, labels_as_index
from .registry import layer_type


@layer_type("HingeLoss")
class HingeLoss(Loss):
    def setup(self, bottom_shapes):
        x, labels = bottom_shapes
        if count(labels) != x[0]:
            raise self.shape_error(f"one label per item: labels {list(labels)} for scores {list(x)}")
        return []

    def forward(self, bottoms, params, ctx):
        x, label = bottoms
        n = x.shape[0]
        x2 = F.reshape(x, (n, -1))
        sign = F.sub(F.mul(F.one_hot(F.reshape(labels_as_index(label), (n,)), x2.shape[1]), 2), 1)
        margin = F.relu(F.sub(1.0, F.mul(x2, F.to_dtype(sign, x.dtype))))
        if self.param.hinge_loss_param.norm == pb.HingeLossParameter.L2:
            margin = F.square(margin)
        return [F.div(F.sum(margin), float(n))]
