"""Accuracy: the share of (outer, inner) positions whose label is among the top_k scores, where a
tie with the true class counts against it; positions equal to ignore_label are left out. An
optional second top gives the accuracy per class. No gradient."""
from ...ops import api as F
from .base import Layer
from .common import canonical_axis, count
from .loss import labels_as_index
from .registry import layer_type


@layer_type("Accuracy")
class Accuracy(Layer):
    bottoms = (2, 2)
    tops = (1, 2)
    no_backward_to = (0, 1)

    def setup(self, bottom_shapes):
        p = self.param.accuracy_param
        scores, labels = bottom_shapes
        self.axis = canonical_axis(self, p.axis, len(scores))
        outer, inner = count(scores, 0, self.axis), count(scores, self.axis + 1)
        if p.top_k > scores[self.axis]:
            raise self.fail(f"top_k {p.top_k} must not exceed the number of classes {scores[self.axis]}")
        if count(labels) != outer * inner:
            raise self.shape_error(f"one label per position: {outer} x {inner} for scores {list(scores)}, "
                                   f"got labels {list(labels)}")
        return []

    def forward(self, bottoms, params, ctx):
        p = self.param.accuracy_param
        x, label = bottoms[0].detach(), bottoms[1]
        k, outer, inner = x.shape[self.axis], count(x.shape, 0, self.axis), count(x.shape, self.axis + 1)
        scores = x if (x.ndim == 2 and self.axis == 1) else \
            F.reshape(F.movedim(F.reshape(x, (outer, k, inner)), 1, 2), (-1, k))
        target = F.reshape(labels_as_index(label), (-1,))
        ignore = p.ignore_label if p.HasField("ignore_label") else None
        safe = F.clamp(target, min=0, max=k - 1) if ignore is not None else target
        true_score = F.gather(scores, 1, F.reshape(safe, (-1, 1)))
        at_least = F.sum(F.to_dtype(F.ge(scores, true_score), x.dtype), dim=1)  # counts the true class too
        correct = F.to_dtype(F.le(at_least, float(p.top_k)), x.dtype)
        if ignore is not None:
            keep = F.to_dtype(F.ne(target, ignore), x.dtype)
        else:
            keep = F.ones_like(correct)
        correct = F.mul(correct, keep)
        total = F.sum(keep)
        accuracy = F.where(F.gt(total, 0.0), F.div(F.sum(correct), F.clamp(total, min=1.0)), F.zeros_like(total))
        tops = [accuracy]
        if len(self.param.top) == 2:
            onehot = F.mul(F.to_dtype(F.one_hot(safe, k), x.dtype), F.reshape(keep, (-1, 1)))
            per_class_total = F.sum(onehot, dim=0)
            per_class_correct = F.sum(F.mul(onehot, F.reshape(correct, (-1, 1))), dim=0)
            tops.append(F.where(F.gt(per_class_total, 0.0),
                                F.div(per_class_correct, F.clamp(per_class_total, min=1.0)),
                                F.zeros_like(per_class_total)))
        return tops
