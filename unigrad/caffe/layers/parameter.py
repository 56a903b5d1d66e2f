"""Parameter: a learned blob of `parameter_param.shape` as the top (no bottoms)."""
from .base import Layer, ParamBlob
from .registry import layer_type
from ..proto import caffe_pb2 as pb


@layer_type("Parameter")
class Parameter(Layer):
    blob_names = ("value",)
    bottoms = (0, 0)
    tops = (1, 1)

    def setup(self, bottom_shapes):
        return [ParamBlob(list(self.param.parameter_param.shape.dim), pb.FillerParameter(type="constant"))]

    def forward(self, bottoms, params, ctx):
        return [params[0]]
