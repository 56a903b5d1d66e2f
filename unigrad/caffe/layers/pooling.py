"""Pooling: MAX (ties to the first element, optional argmax top) and AVE over 2-D windows, or
global; Caffe's output size (CEIL rounding by default, then the last window pulled back inside
the image or its top/left padding) and its AVE divisor (the window clipped to the padded extent).
"""
import math

import numpy as np

from ...ops import api as F
from ..proto import caffe_pb2 as pb
from .base import Layer
from .common import constant
from .registry import layer_type


def _pair(p, single, h, w, default, what, layer):
    if p.HasField(h) or p.HasField(w):
        if p.HasField(single):
            raise layer.fail(f"give either {single} or {h}/{w}, not both")
        return [getattr(p, h), getattr(p, w)]
    return [getattr(p, single) if p.HasField(single) else default] * 2


def pooled_size(size, k, pad, stride, ceil):
    """Caffe's pooled length of one axis."""
    span = (size + 2 * pad - k) / stride
    out = (int(math.ceil(span)) if ceil else int(math.floor(span))) + 1
    if pad and (out - 1) * stride >= size + pad:
        out -= 1  # the last window must start inside the image or its top/left padding
    return out


@layer_type("Pooling")
class Pooling(Layer):
    bottoms = (1, 1)
    tops = (1, 2)

    def setup(self, bottom_shapes):
        p = self.param.pooling_param
        shape = bottom_shapes[0]
        if len(shape) != 4:
            raise self.shape_error(f"the bottom must have 4 axes (num, channels, height, width), got {list(shape)}")
        if p.pool == pb.PoolingParameter.STOCHASTIC:
            raise self.fail("STOCHASTIC pooling exists only in Caffe's GPU build; use MAX or AVE")
        if len(self.param.top) == 2 and p.pool != pb.PoolingParameter.MAX:
            raise self.fail("only MAX pooling has a second (argmax) top")
        if p.global_pooling:
            if p.HasField("kernel_size") or p.HasField("kernel_h") or p.HasField("kernel_w"):
                raise self.fail("with global_pooling: true the kernel size cannot be specified")
            self.kernel = None
        else:
            if not (p.HasField("kernel_size") or (p.HasField("kernel_h") and p.HasField("kernel_w"))):
                raise self.fail("pooling_param needs kernel_size (or kernel_h and kernel_w)")
            self.kernel = _pair(p, "kernel_size", "kernel_h", "kernel_w", 0, "kernel_size", self)
        self.pad = _pair(p, "pad", "pad_h", "pad_w", 0, "pad", self)
        self.stride = _pair(p, "stride", "stride_h", "stride_w", 1, "stride", self)
        if p.global_pooling and (any(self.pad) or self.stride != [1, 1]):
            raise self.fail("with global_pooling: true only pad 0 and stride 1 are allowed")
        if self.kernel is not None:
            if any(k <= 0 for k in self.kernel) or any(s <= 0 for s in self.stride):
                raise self.fail(f"kernel {self.kernel} and stride {self.stride} must be positive")
            if any(pd >= k for pd, k in zip(self.pad, self.kernel)):
                raise self.fail(f"pad {self.pad} must be smaller than the kernel {self.kernel}")
        self.ceil = p.round_mode == pb.PoolingParameter.CEIL
        self.max = p.pool == pb.PoolingParameter.MAX
        self.global_pool = p.global_pooling
        self.geometry(shape)
        return []

    def geometry(self, shape):
        """(kernel, output size, pads) for a bottom of `shape`: the pads add bottom/right
        padding so that the primitives' floor rule gives Caffe's size."""
        if len(shape) != 4:
            raise self.shape_error(f"the bottom must have 4 axes (num, channels, height, width), got {list(shape)}")
        h, w = shape[2], shape[3]
        kernel = [h, w] if self.kernel is None else self.kernel
        out = [pooled_size(s, k, pd, st, self.ceil) for s, k, pd, st in zip((h, w), kernel, self.pad, self.stride)]
        if min(out) < 1:
            raise self.shape_error(f"kernel {kernel} does not fit the {h}x{w} bottom with pad {self.pad}")
        pads = (self.pad[0], max(0, (out[0] - 1) * self.stride[0] + kernel[0] - h - self.pad[0]),
                self.pad[1], max(0, (out[1] - 1) * self.stride[1] + kernel[1] - w - self.pad[1]))
        return kernel, out, pads

    @staticmethod
    def _crop(y, out):
        """Drop windows the padding let the primitive add beyond Caffe's count."""
        if tuple(y.shape[2:]) != tuple(out):
            y = F.getitem(y, (slice(None), slice(None), slice(0, out[0]), slice(0, out[1])))
        return y

    def forward(self, bottoms, params, ctx):
        x = bottoms[0]
        kernel, out, pads = self.geometry(tuple(x.shape))
        if self.global_pool and not self.max:
            return [F.mean(x, dim=(2, 3), keepdim=True)]
        geo = (tuple(kernel), tuple(self.stride), pads, (1, 1))
        if self.max:
            if len(self.param.top) == 2:
                values, arg = F.max_pool2d_windows(x, *geo)
                return [self._crop(values, out), self._crop(self._argmax_index(arg, x.shape, kernel), out)]
            return [self._crop(F.max_pool2d_values(x, *geo), out)]
        return [self._average(x, kernel, out, pads)]

    def _average(self, x, kernel, out, pads):
        n, c, h, w = x.shape
        kh, kw = kernel
        if kernel == self.stride and not any(self.pad) and h % kh == 0 and w % kw == 0:
            return F.mean(F.reshape(x, (n, c, h // kh, kh, w // kw, kw)), dim=(3, 5))  # non-overlapping tiles
        cols = F.im2col(F.reshape(x, (n * c, 1, h, w)), tuple(kernel), tuple(self.stride), pads, (1, 1))
        oh, ow = [(s + lo + hi - k) // st + 1 for s, lo, hi, k, st in
                  ((h, pads[0], pads[1], kh, self.stride[0]), (w, pads[2], pads[3], kw, self.stride[1]))]
        total = F.permute(F.reshape(F.sum(cols, dim=0), (oh, ow, n, c)), (2, 3, 0, 1))
        divisors = self._divisors(h, w, oh, ow, kernel).reshape(1, 1, oh, ow)
        return self._crop(F.div(total, constant(divisors, x)), out)

    def _divisors(self, h, w, oh, ow, kernel):
        """Caffe's AVE divisor per window: its extent clipped to [-pad, size + pad)."""
        def axis(size, n_out, k, pad, stride):
            start = np.arange(n_out) * stride - pad
            end = np.minimum(start + k, size + pad)
            return (end - start).astype(np.float32)
        return np.outer(axis(h, oh, kernel[0], self.pad[0], self.stride[0]),
                        axis(w, ow, kernel[1], self.pad[1], self.stride[1]))

    def _argmax_index(self, arg, in_shape, kernel):
        """The window-local argmax as Caffe's mask top: the index into the H x W plane, as float."""
        oh, ow = arg.shape[2], arg.shape[3]
        w = in_shape[3]
        arg = F.to_dtype(arg, "float32")
        kw = float(kernel[1])
        row = F.floor(F.div(arg, kw))
        col = F.sub(arg, F.mul(row, kw))
        oy = F.reshape(F.arange(oh, dtype="float32", device=arg.device), (1, 1, oh, 1))
        ox = F.reshape(F.arange(ow, dtype="float32", device=arg.device), (1, 1, 1, ow))
        y = F.add(F.sub(F.mul(oy, float(self.stride[0])), float(self.pad[0])), row)
        x = F.add(F.sub(F.mul(ox, float(self.stride[1])), float(self.pad[1])), col)
        return F.add(F.mul(y, float(w)), x)
