"""InnerProduct: y = x_flat W^T + b over the axes from `axis` on (W stored [N, K]; [K, N] with
transpose: true)."""
from ...ops import api as F
from .base import Layer, ParamBlob
from .common import canonical_axis, count, filler
from .registry import layer_type


@layer_type("InnerProduct")
class InnerProduct(Layer):
    blob_names = ("weight", "bias")
    bottoms = (1, 1)
    tops = (1, 1)

    def setup(self, bottom_shapes):
        p = self.param.inner_product_param
        shape = bottom_shapes[0]
        if not p.HasField("num_output") or p.num_output == 0:
            raise self.fail("inner_product_param needs num_output > 0")
        self.axis = canonical_axis(self, p.axis, len(shape))
        self.k, self.n = count(shape, self.axis), p.num_output
        self.transpose, self.bias_term = p.transpose, p.bias_term
        blobs = [ParamBlob([self.k, self.n] if self.transpose else [self.n, self.k], filler(p, "weight_filler"))]
        if self.bias_term:
            blobs.append(ParamBlob([self.n], filler(p, "bias_filler")))
        return blobs

    def forward(self, bottoms, params, ctx):
        x = bottoms[0]
        lead = tuple(x.shape[:self.axis])
        k = count(x.shape, self.axis)
        if k != self.k:
            raise self.shape_error(f"the bottom {list(x.shape)} has {k} inputs from axis {self.axis}; the layer was "
                                   f"set up for {self.k} (K must not change on reshape)")
        x2 = F.reshape(x, (count(lead), k)) if x.ndim != 2 or self.axis != 1 else x
        bias = params[1] if self.bias_term else None
        if self.transpose:
            y = F.matmul(x2, params[0])
            if bias is not None:
                y = F.add(y, bias)
        else:
            y = F.linear(x2, params[0], bias)
        return [F.reshape(y, lead + (self.n,)) if len(lead) != 1 else y]
