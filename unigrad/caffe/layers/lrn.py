"""LRN: local response normalisation.

ACROSS_CHANNELS: y = x * (k + alpha / n * sum of x^2 over n neighbouring channels)^-beta.
WITHIN_CHANNEL:  y = x * (1 + alpha / n^2 * sum of x^2 over the n x n window)^-beta (k unused;
Caffe builds it from AVE pooling with pad (n - 1) / 2, so every window divides by n^2)."""
from ...ops import api as F
from ..proto import caffe_pb2 as pb
from .base import Neuron
from .registry import layer_type


@layer_type("LRN")
class LRN(Neuron):
    def setup(self, bottom_shapes):
        p = self.param.lrn_param
        if p.local_size % 2 == 0:
            raise self.fail(f"local_size must be odd, got {p.local_size}")
        if len(bottom_shapes[0]) != 4:
            raise self.shape_error(f"the bottom must have 4 axes, got {list(bottom_shapes[0])}")
        return []

    def apply(self, x):
        p = self.param.lrn_param
        n = p.local_size
        if p.norm_region == pb.LRNParameter.ACROSS_CHANNELS:
            return F.local_response_norm(x, n, alpha=p.alpha, beta=p.beta, k=p.k)
        pad = (n - 1) // 2
        mean_sq = F.avg_pool2d(F.square(x), n, stride=1, padding=pad, count_include_pad=True)
        scale = F.add(F.mul(mean_sq, p.alpha), 1.0)
        return F.mul(x, F.pow(scale, -p.beta))
