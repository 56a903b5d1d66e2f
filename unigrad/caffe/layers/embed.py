"""Embed: rows of a learned [input_dim, num_output] table picked by the (integer-valued) bottom,
plus a bias; the top adds an axis of num_output."""
from ...ops import api as F
from .base import Layer, ParamBlob
from .common import filler
from .registry import layer_type


@layer_type("Embed")
class Embed(Layer):
    blob_names = ("weight", "bias")
    bottoms = (1, 1)
    tops = (1, 1)
    no_backward_to = (0,)

    def setup(self, bottom_shapes):
        p = self.param.embed_param
        if not p.num_output or not p.input_dim:
            raise self.fail("embed_param needs num_output and input_dim")
        self.bias_term = p.bias_term
        blobs = [ParamBlob([p.input_dim, p.num_output], filler(p, "weight_filler"))]
        if p.bias_term:
            blobs.append(ParamBlob([p.num_output], filler(p, "bias_filler")))
        return blobs

    def forward(self, bottoms, params, ctx):
        index = F.to_dtype(bottoms[0].detach(), "int64")
        y = F.embedding(index, params[0])
        if self.bias_term:
            y = F.add(y, params[1])
        return [y]
