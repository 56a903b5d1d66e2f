"""Dropout: in TRAIN, x * mask / (1 - p) with a Bernoulli(1 - p) mask drawn per pass (the Net
draws it on the host, so a backward pass sees the forward's mask); in TEST, the identity."""
from ...ops import api as F
from ..proto import caffe_pb2 as pb
from .base import Neuron
from .registry import layer_type


@layer_type("Dropout")
class Dropout(Neuron):
    random_mask = True

    def setup(self, bottom_shapes):
        ratio = self.param.dropout_param.dropout_ratio
        if not 0 <= ratio < 1:
            raise self.fail(f"dropout_ratio must be in [0, 1), got {ratio}")
        self.ratio = ratio
        self.active = self.phase == pb.TRAIN and ratio > 0
        return []

    def draw_mask(self, shape, rng):
        """The scaled mask for one pass: 1 / (1 - p) where kept, 0 where dropped (float32)."""
        import numpy as np
        keep = rng.random(shape, dtype=np.float32) >= self.ratio
        return keep.astype(np.float32) * np.float32(1.0 / (1.0 - self.ratio))

    def forward(self, bottoms, params, ctx):
        x = bottoms[0]
        if ctx.phase != pb.TRAIN or self.ratio == 0:  # (a Module in eval mode passes TEST)
            return [x]
        mask = ctx.masks.get(self.name)
        if mask is None:  # shapes only (meta), or a caller that draws no masks: draw in the graph
            mask = F.mul(F.bernoulli(F.full_like(x, 1.0 - self.ratio)), 1.0 / (1.0 - self.ratio))
        return [F.mul(x, mask)]
