"""How max pooling and its gradient ops walk their windows: one strided view of the padded
image per window offset (no im2col copy), and an independent NumPy reference for the argmax."""
from .common import out_size

# the window geometries the conformance samples of max pooling and its gradient ops cover
GEOMS = [dict(kernel=(2, 2), stride=(2, 2), pads=(0, 0, 0, 0), dilation=(1, 1)),
         dict(kernel=(3, 3), stride=(2, 2), pads=(1, 1, 1, 2), dilation=(1, 1)),
         dict(kernel=(2, 3), stride=(1, 2), pads=(0, 0, 1, 1), dilation=(2, 1))]


def pooled_size(shape, kernel, stride, pads, dilation):
    """(OH, OW) of pooling the last two axes of `shape`."""
    h, w = shape[-2:]
    oh = out_size(h, kernel[0], stride[0], pads[0], pads[1], dilation[0])
    ow = out_size(w, kernel[1], stride[1], pads[2], pads[3], dilation[1])
    return oh, ow


def offsets(kernel, stride, dilation, oh, ow):
    """Per window offset k: (k, slice rows, slice cols) into the padded image."""
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            yield (i * kernel[1] + j, slice(i * dilation[0], i * dilation[0] + stride[0] * (oh - 1) + 1, stride[0]),
                   slice(j * dilation[1], j * dilation[1] + stride[1] * (ow - 1) + 1, stride[1]))


def padded(xp, x, pads, value):
    """x (N, C, H, W) padded by (top, bottom, left, right) with `value`; x itself without pads."""
    if not any(pads):
        return x
    return xp.pad(x, ((0, 0), (0, 0), (pads[0], pads[1]), (pads[2], pads[3])), constant_values=value)


def argmax_ref(np, x, kernel, stride, pads, dilation):
    """Reference: windows through sliding_window_view, argmax per window."""
    xpad = padded(np, x, pads, -np.inf)
    win = np.lib.stride_tricks.sliding_window_view(
        xpad, ((kernel[0] - 1) * dilation[0] + 1, (kernel[1] - 1) * dilation[1] + 1), axis=(2, 3))
    win = win[:, :, ::stride[0], ::stride[1], ::dilation[0], ::dilation[1]]
    flat = win.reshape(win.shape[:4] + (-1,))
    arg = flat.argmax(-1)
    return np.take_along_axis(flat, arg[..., None], -1)[..., 0], arg
