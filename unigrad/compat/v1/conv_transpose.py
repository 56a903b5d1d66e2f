"""tf.nn.conv2d_transpose: the gradient of tf.nn.conv2d with respect to its input, with TF's
filter layout ([height, width, out_channels, in_channels]) and padding rule.

The registry's conv_transpose2d gives the full result, (in - 1) * stride + kernel per side;
TF's output keeps `output_shape` of it starting at the SAME padding's top/left pad
(pad_total // 2, the odd pixel going to the end, as conv2d's SAME does), or at 0 for VALID,
with zeros beyond the full result when output_shape asks for more (VALID's stride - 1 slack).
"""
from ...errors import InvalidArgumentError, ShapeError
from ...ops import api as F
from .graph import Tensor
from .ops import convert_to_tensor
from .shape_args import shape_arg


def _window(v, axis, start, size):
    """`size` positions of axis `axis` of v from `start`, zeros past its end."""
    have = v.shape[axis]
    end = min(start + size, have)
    index = [slice(None)] * v.ndim
    index[axis] = slice(start, end)
    v = v[tuple(index)] if (start, end) != (0, have) else v
    short = size - (end - start)
    if short > 0:
        pads = [0, 0] * (v.ndim - 1 - axis) + [0, short]
        v = F.pad(v, tuple(pads))
    return v


def transposed_conv(v, k, out_hw, stride, padding, dilation=(1, 1)):
    """NCHW input, TF filter [kh, kw, out, in]: TF's conv2d_transpose result of spatial size out_hw."""
    weight = F.permute(k, (3, 2, 0, 1))  # (in, out, kh, kw), the registry's layout
    full = F.conv_transpose2d(v, weight, None, stride, 0, 0, 1, dilation)
    for axis, size, s, kk, d in zip((2, 3), out_hw, stride, (k.shape[0], k.shape[1]), dilation):
        if padding == "SAME":
            total = max((v.shape[axis] - 1) * s + (kk - 1) * d + 1 - size, 0)
            start = total // 2
            if -(-size // s) != v.shape[axis]:
                raise ShapeError(f"conv2d_transpose: output size {size} with SAME padding and stride {s} gives an "
                                 f"input of {-(-size // s)}, not the {v.shape[axis]} given")
        elif padding == "VALID":
            start = 0
            if (size - ((kk - 1) * d + 1)) // s + 1 != v.shape[axis]:
                raise ShapeError(f"conv2d_transpose: output size {size} with VALID padding, kernel {kk} and stride "
                                 f"{s} does not come from an input of {v.shape[axis]}")
        else:
            raise InvalidArgumentError(f"conv2d_transpose: padding must be 'SAME' or 'VALID', got {padding!r}")
        full = _window(full, axis, start, size)
    return full


def conv2d_transpose(value=None, filter=None, output_shape=None, strides=None, padding="SAME",
                     data_format="NHWC", name=None, input=None, filters=None, dilations=None):
    """The transpose of conv2d ("deconvolution"): `output_shape` [batch, height, width, channels]
    (a list, which may hold tensors, or a 1-D tensor), `filter` [h, w, out_channels, in_channels]."""
    x = convert_to_tensor(value if value is not None else input)
    w = convert_to_tensor(filter if filter is not None else filters)
    if strides is None or len(strides) != 4:
        raise InvalidArgumentError(f"conv2d_transpose: strides must have 4 values (one per dim), got {strides}")
    nhwc = data_format == "NHWC"
    stride = (strides[1], strides[2]) if nhwc else (strides[2], strides[3])
    dil = (1, 1) if dilations is None else ((dilations[1], dilations[2]) if nhwc else (dilations[2], dilations[3]))
    arg = shape_arg(output_shape, "conv2d_transpose output_shape")
    if arg.static is not None and len(arg.static) != 4:
        raise InvalidArgumentError(f"conv2d_transpose: output_shape must have 4 values, got {list(arg.static)}")
    if w._shape is not None and x._shape is not None and x._shape[3 if nhwc else 1] not in (None, w._shape[3]):
        raise ShapeError(f"conv2d_transpose: the input has {x._shape[3 if nhwc else 1]} channels but the filter "
                         f"{list(w._shape)} expects {w._shape[3]} (its last dimension)")

    def fn(v, k, *shape_values):
        out = arg.build(*shape_values)
        hw = (out[1], out[2]) if nhwc else (out[2], out[3])
        nchw = F.permute(v, (0, 3, 1, 2)) if nhwc else v
        result = transposed_conv(nchw, k, hw, stride, padding, dil)
        return F.permute(result, (0, 2, 3, 1)) if nhwc else result
    return Tensor("op", [x, w] + arg.inputs, fn, name or "conv2d_transpose", x.dtype, arg.static)
