"""SoftmaxWithLoss: -sum log(softmax(x)[label]) / normaliser over every (outer, inner) position
not equal to ignore_label; labels are N x (inner) with classes along `axis`. An optional second
top gives the probabilities."""
from ...ops import api as F
from .common import canonical_axis, count
from .loss import NORM, Loss, labels_as_index, normalization
from .registry import layer_type


@layer_type("SoftmaxWithLoss")
class SoftmaxWithLoss(Loss):
    tops = (1, 2)

    def setup(self, bottom_shapes):
        scores, labels = bottom_shapes
        self.axis = canonical_axis(self, self.param.softmax_param.axis, len(scores))
        outer, inner = count(scores, 0, self.axis), count(scores, self.axis + 1)
        if count(labels) != outer * inner:
            raise self.shape_error(f"the label bottom {list(labels)} must have one label per position: "
                                   f"{outer} x {inner} for scores {list(scores)} with classes on axis {self.axis}")
        self.mode = normalization(self.param)
        return []

    def forward(self, bottoms, params, ctx):
        x, label = bottoms
        classes = x.shape[self.axis]
        outer, inner = count(x.shape, 0, self.axis), count(x.shape, self.axis + 1)
        # (outer, C, inner): the layout cross_entropy takes for N-d class scores
        scores = F.reshape(x, (outer, classes, inner)) if inner > 1 else \
            (x if x.ndim == 2 else F.reshape(x, (outer, classes)))
        target = F.reshape(labels_as_index(label), (outer, inner) if inner > 1 else (outer,))
        ignore = self.ignore_label()
        if ignore is None and self.mode in (NORM.VALID, NORM.FULL):
            loss = F.cross_entropy(scores, target, reduction="mean")
        elif ignore is None:
            loss = F.div(F.cross_entropy(scores, target, reduction="sum"), self.normalizer(self.mode, outer, inner))
        else:
            total = F.cross_entropy(scores, target, ignore_index=ignore, reduction="sum")
            valid = F.sum(F.to_dtype(F.ne(target, ignore), x.dtype)) if self.mode == NORM.VALID else None
            loss = F.div(total, self.normalizer(self.mode, outer, inner, valid))
        tops = [loss]
        if len(self.param.top) == 2:
            tops.append(F.softmax(x, self.axis))
        return tops
