"""Convolution: cross-correlation with group, dilation, pad/stride/kernel per axis (or _h/_w),
over one or two spatial axes after `axis`; several bottoms share the weights."""
from ...ops import api as F
from .base import Layer, ParamBlob
from .common import canonical_axis, count, filler, spatial
from .registry import layer_type


def geometry(layer, p, n):
    """(kernel, pad, stride, dilation) lists for n spatial axes from a ConvolutionParameter, with
    Caffe's rules for the _h/_w forms."""
    if p.HasField("kernel_h") or p.HasField("kernel_w"):
        if n != 2 or not (p.HasField("kernel_h") and p.HasField("kernel_w")):
            raise layer.fail("kernel_h and kernel_w must be given together, for 2 spatial axes only")
        if len(p.kernel_size):
            raise layer.fail("give either kernel_size or kernel_h/kernel_w, not both")
        kernel = [p.kernel_h, p.kernel_w]
    else:
        if not len(p.kernel_size):
            raise layer.fail("convolution_param needs kernel_size (or kernel_h and kernel_w)")
        kernel = spatial(p.kernel_size, n, 1, "kernel_size", layer)
    if p.HasField("pad_h") or p.HasField("pad_w"):
        if len(p.pad):
            raise layer.fail("give either pad or pad_h/pad_w, not both")
        pad = [p.pad_h, p.pad_w]
    else:
        pad = spatial(p.pad, n, 0, "pad", layer)
    if p.HasField("stride_h") or p.HasField("stride_w"):
        if len(p.stride):
            raise layer.fail("give either stride or stride_h/stride_w, not both")
        stride = [p.stride_h, p.stride_w]
    else:
        stride = spatial(p.stride, n, 1, "stride", layer)
    dilation = spatial(p.dilation, n, 1, "dilation", layer)
    if any(k <= 0 for k in kernel) or any(s <= 0 for s in stride):
        raise layer.fail(f"kernel {kernel} and stride {stride} must be positive")
    return kernel, pad, stride, dilation


def as_2d(x, axis):
    """x with the axes before `axis` folded into one batch axis and one spatial axis padded to two
    (N, C, H, W), and how to restore the result's leading axes."""
    lead = tuple(x.shape[:axis])
    x = F.reshape(x, (count(lead),) + tuple(x.shape[axis:]))
    if x.ndim == 3:
        x = F.unsqueeze(x, 2)
    return x, lead


def from_2d(y, lead, spatial_axes):
    if spatial_axes == 1:
        y = F.squeeze(y, 2)
    return F.reshape(y, lead + tuple(y.shape[1:]))


@layer_type("Convolution")
class Convolution(Layer):
    blob_names = ("weight", "bias")
    bottoms = (1, None)
    tops = (1, None)

    def setup(self, bottom_shapes):
        p = self.param.convolution_param
        if len(self.param.top) != len(self.param.bottom):
            raise self.fail(f"needs one top per bottom, got {len(self.param.bottom)} bottoms and "
                            f"{len(self.param.top)} tops")
        shape = bottom_shapes[0]
        self.axis = canonical_axis(self, p.axis, len(shape))
        self.n_spatial = len(shape) - self.axis - 1
        if self.n_spatial not in (1, 2):
            raise self.shape_error(f"bottom shape {list(shape)} has {self.n_spatial} spatial axes after axis "
                                   f"{self.axis}; unigrad's Caffe layers convolve over 1 or 2")
        if any(tuple(s) != tuple(shape) for s in bottom_shapes[1:]):
            raise self.shape_error(f"all bottoms must have the same shape, got {[list(s) for s in bottom_shapes]}")
        self.kernel, self.pad, self.stride, self.dilation = geometry(self, p, self.n_spatial)
        channels, self.group = shape[self.axis], p.group
        if not p.HasField("num_output") or p.num_output == 0:
            raise self.fail("convolution_param needs num_output > 0")
        if self.group < 1 or channels % self.group or p.num_output % self.group:
            raise self.shape_error(f"group {self.group} must divide the {channels} input channels and the "
                                   f"num_output {p.num_output}")
        self.num_output, self.bias_term = p.num_output, p.bias_term
        return self.blob_specs(channels)

    def blob_specs(self, channels):
        p = self.param.convolution_param
        blobs = [ParamBlob([self.num_output, channels // self.group] + self.kernel, filler(p, "weight_filler"))]
        if self.bias_term:
            blobs.append(ParamBlob([self.num_output], filler(p, "bias_filler")))
        return blobs

    def _pairs(self):
        if self.n_spatial == 1:
            return (1, self.stride[0]), (0, self.pad[0]), (1, self.dilation[0])
        return tuple(self.stride), tuple(self.pad), tuple(self.dilation)

    def _weight(self, weight):
        return F.unsqueeze(weight, 2) if self.n_spatial == 1 else weight

    def conv(self, x, weight, bias):
        stride, pad, dilation = self._pairs()
        return F.conv2d(x, self._weight(weight), bias, stride=stride, padding=pad, dilation=dilation,
                        groups=self.group)

    def forward(self, bottoms, params, ctx):
        weight, bias = params[0], (params[1] if self.bias_term else None)
        tops = []
        for x in bottoms:
            x2, lead = as_2d(x, self.axis)
            tops.append(from_2d(self.conv(x2, weight, bias), lead, self.n_spatial))
        return tops
