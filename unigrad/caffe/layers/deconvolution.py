"""Deconvolution: the transposed convolution (Convolution's parameters, input and output roles
swapped): out = stride * (in - 1) + dilation * (k - 1) + 1 - 2 * pad, weights
[C_in, num_output / group, kh, kw]."""
from ...ops import api as F
from .base import ParamBlob
from .common import filler
from .convolution import Convolution
from .registry import layer_type


@layer_type("Deconvolution")
class Deconvolution(Convolution):
    def blob_specs(self, channels):
        p = self.param.convolution_param
        blobs = [ParamBlob([channels, self.num_output // self.group] + self.kernel, filler(p, "weight_filler"))]
        if self.bias_term:
            blobs.append(ParamBlob([self.num_output], filler(p, "bias_filler")))
        return blobs

    def conv(self, x, weight, bias):
        stride, pad, dilation = self._pairs()
        return F.conv_transpose2d(x, self._weight(weight), bias, stride=stride, padding=pad, groups=self.group,
                                  dilation=dilation)
