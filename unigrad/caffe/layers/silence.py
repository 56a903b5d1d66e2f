"""Silence: consumes its bottoms so they are not net outputs; no tops, zero gradients."""
from .base import Layer
from .registry import layer_type


@layer_type("Silence")
class Silence(Layer):
    bottoms = (1, None)
    tops = (0, 0)

    def forward(self, bottoms, params, ctx):
        return []
