"""What Caffe's loss layers share: the label bottom takes no gradient, and LossParameter's
normalisation (FULL, VALID, BATCH_SIZE, NONE; the deprecated `normalize` when `normalization`
is absent) with the ignore_label it counts."""
from ...ops import api as F
from ..proto import caffe_pb2 as pb
from .base import Layer

NORM = pb.LossParameter


def normalization(param, default=NORM.VALID):
    """The layer's normalisation mode, honouring the deprecated `normalize` as Caffe does."""
    p = param.loss_param
    if p.HasField("normalization"):
        return p.normalization
    if p.HasField("normalize"):
        return NORM.VALID if p.normalize else NORM.BATCH_SIZE
    return default


class Loss(Layer):
    """A loss layer: scalar first top, weight 1 by default, no gradient to the labels."""
    loss = True
    bottoms = (2, 2)
    tops = (1, 1)
    no_backward_to = (1,)

    def ignore_label(self):
        p = self.param.loss_param
        return p.ignore_label if p.HasField("ignore_label") else None

    def normalizer(self, mode, outer, inner, valid=None):
        """The divisor (a Python number, or a Tensor for VALID with ignored labels), at least 1."""
        if mode == NORM.FULL:
            return float(max(1, outer * inner))
        if mode == NORM.VALID:
            if valid is None:
                return float(max(1, outer * inner))
            return F.clamp(valid, min=1.0)
        if mode == NORM.BATCH_SIZE:
            return float(max(1, outer))
        return 1.0


def labels_as_index(label):
    """Caffe reads labels from a float blob and truncates them to int."""
    return F.to_dtype(label.detach(), "int64")
