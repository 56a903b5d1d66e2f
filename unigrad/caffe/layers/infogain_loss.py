"""InfogainLoss: softmax of the scores along `axis`, then
-sum_positions sum_l H[label, l] log(max(p_l, 1e-20)) / normaliser, with the infogain matrix H
(K x K) from `infogain_loss_param.source` (a .binaryproto) or a third bottom. The identity H
gives SoftmaxWithLoss."""
import numpy as np

from ...ops import api as F
from .common import canonical_axis, constant, count
from .loss import NORM, Loss, labels_as_index, normalization
from .registry import layer_type


@layer_type("InfogainLoss")
class InfogainLoss(Loss):
    bottoms = (2, 3)
    tops = (1, 2)
    no_backward_to = (1, 2)

    def setup(self, bottom_shapes):
        scores, labels = bottom_shapes[:2]
        p = self.param.infogain_loss_param
        self.axis = canonical_axis(self, p.axis, len(scores))
        outer, inner = count(scores, 0, self.axis), count(scores, self.axis + 1)
        self.classes = scores[self.axis]
        if count(labels) != outer * inner:
            raise self.shape_error(f"one label per position: {outer} x {inner} for scores {list(scores)}")
        self.matrix = None
        if len(bottom_shapes) == 2:
            if not p.source:
                raise self.fail("needs infogain_loss_param.source (a .binaryproto matrix) or a third bottom")
            from ..blobs import blob_to_array, read_blobproto
            self.matrix = blob_to_array(read_blobproto(p.source)).reshape(-1).astype(np.float32)
        elif count(bottom_shapes[2]) != self.classes ** 2:
            raise self.shape_error(f"the infogain bottom {list(bottom_shapes[2])} must hold {self.classes} x "
                                   f"{self.classes} values")
        if self.matrix is not None and self.matrix.size != self.classes ** 2:
            raise self.shape_error(f"the infogain matrix in {p.source} has {self.matrix.size} values; "
                                   f"{self.classes} classes need {self.classes ** 2}")
        self.mode = normalization(self.param)
        return []

    def forward(self, bottoms, params, ctx):
        x, label = bottoms[:2]
        k, outer, inner = x.shape[self.axis], count(x.shape, 0, self.axis), count(x.shape, self.axis + 1)
        if k != self.classes:
            raise self.shape_error(f"the scores now have {k} classes; the infogain matrix is {self.classes} x "
                                   f"{self.classes}")
        h = bottoms[2].detach() if len(bottoms) == 3 else constant(self.matrix, x)
        h = F.reshape(h, (k, k))
        prob = F.softmax(x, self.axis)
        # (positions, K) probabilities and labels
        p = F.reshape(F.movedim(F.reshape(prob, (outer, k, inner)), 1, 2), (-1, k))
        target = F.reshape(labels_as_index(label), (-1,))
        ignore = self.ignore_label()
        weights = F.index_select(h, 0, F.clamp(target, min=0))  # H[label, :] for each position
        per_position = F.neg(F.sum(F.mul(weights, F.log(F.clamp(p, min=1e-20))), dim=1))
        valid = None
        if ignore is not None:
            keep = F.to_dtype(F.ne(target, ignore), x.dtype)
            per_position = F.mul(per_position, keep)
            valid = F.sum(keep) if self.mode == NORM.VALID else None
        tops = [F.div(F.sum(per_position), self.normalizer(self.mode, outer, inner, valid))]
        if len(self.param.top) == 2:
            tops.append(prob)
        return tops
