"""SigmoidCrossEntropyLoss: -sum[x (t - [x >= 0]) - log(1 + exp(x - 2 x [x >= 0]))] /
normaliser (BATCH_SIZE unless loss_param says otherwise), positions equal to ignore_label
left out."""
from ...ops import api as F
from .common import count
from .loss import NORM, Loss, normalization
from .registry import layer_type


@layer_type("SigmoidCrossEntropyLoss")
class SigmoidCrossEntropyLoss(Loss):
    def setup(self, bottom_shapes):
        x, t = bottom_shapes
        if count(x) != count(t):
            raise self.shape_error(f"scores {list(x)} and targets {list(t)} must have the same count")
        self.outer, self.inner = x[0] if x else 1, count(x, 1)
        self.mode = normalization(self.param, default=NORM.BATCH_SIZE)
        return []

    def forward(self, bottoms, params, ctx):
        x, t = bottoms
        t = F.reshape(t.detach(), tuple(x.shape))
        ignore = self.ignore_label()
        if ignore is None:
            total = F.binary_cross_entropy_with_logits(x, t, reduction="sum")
            return [F.div(total, self.normalizer(self.mode, self.outer, self.inner))]
        keep = F.to_dtype(F.ne(t, float(ignore)), x.dtype)
        total = F.binary_cross_entropy_with_logits(x, F.mul(t, keep), weight=keep, reduction="sum")
        valid = F.sum(keep) if self.mode == NORM.VALID else None
        return [F.div(total, self.normalizer(self.mode, self.outer, self.inner, valid))]
