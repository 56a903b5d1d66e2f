"""max_pool2d: PyTorch's max pooling over max_pool2d_windows (or, when no gradient is needed,
max_pool2d_values, which skips the argmax)."""
from ...core.grad_mode import is_grad_enabled
from .. import api as F
from ..registry import Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from .common import batched, pool_geometry


def _flat_indices(arg, in_shape, kernel, stride, pads, dilation):
    """Window-local argmax -> index into the flattened H*W input plane (PyTorch's convention)."""
    n, c, oh, ow = arg.shape
    h, w = in_shape[-2:]
    oy = F.reshape(F.arange(oh, device=arg.device), (1, 1, oh, 1))
    ox = F.reshape(F.arange(ow, device=arg.device), (1, 1, 1, ow))
    y = oy * stride[0] - pads[0] + F.floor_divide(arg, kernel[1]) * dilation[0]
    x = ox * stride[1] - pads[2] + F.remainder(arg, kernel[1]) * dilation[1]
    return y * w + x


def _max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    kernel, stride, pads, dilation = pool_geometry(input, kernel_size, stride, padding, dilation, ceil_mode,
                                                   "max_pool2d")
    if not return_indices and not (input.requires_grad and is_grad_enabled()):
        return F.max_pool2d_values(input, kernel, stride, pads, dilation)  # no gradient needed: skip the argmax
    values, arg = F.max_pool2d_windows(input, kernel, stride, pads, dilation)
    if not return_indices:
        return values
    return values, _flat_indices(F.to_dtype(arg, "int64"), input.shape, kernel, stride, pads, dilation)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """2-D max pooling (PyTorch's ``max_pool2d``): the maximum of each kernel_size window.

    Args:
        input: (N, C, H, W) or (C, H, W).
        kernel_size: an int or an (h, w) pair.
        stride: an int or an (h, w) pair; None (the default) is kernel_size.
        padding: an int or an (h, w) pair of -inf padding on both sides, at most half the kernel.
        dilation: spacing between window elements, an int or an (h, w) pair.
        ceil_mode: round the output size up, so windows may run past the bottom/right edge.
        return_indices: also return each maximum's index into its flattened H * W input plane.

    Returns:
        (N, C, OH, OW), OH = (H + 2 * ph - dilation_h * (kh - 1) - 1) // stride_h + 1 (rounded up with
        ceil_mode) and likewise OW; with return_indices, (values, int64 indices).

    Example::

        >>> x = ug.arange(16.0).reshape(1, 1, 4, 4)
        >>> ug.max_pool2d(x, 2)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
        >>> ug.max_pool2d(x, 2, return_indices=True)[1]
        tensor([[[[ 5,  7],
                  [13, 15]]]])
    """
    return batched(_max_pool2d, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def _samples():
    return [Sample((randn(2, 3, 6, 6),), {"kernel_size": 2}),
            Sample((randn(1, 2, 7, 7),), {"kernel_size": 3, "stride": 2, "padding": 1}),
            Sample((randn(1, 2, 8, 7),), {"kernel_size": (3, 2), "stride": 2, "ceil_mode": True}),
            Sample((randn(1, 1, 9, 9),), {"kernel_size": 2, "dilation": 2}),
            Sample((randn(2, 2, 7, 6),), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True,
                                          "return_indices": True}),
            Sample((randn(1, 2, 6, 6),), {"kernel_size": 2, "return_indices": True})]


register(OpDef(name="max_pool2d", impl=max_pool2d, variants=Variants(functional=True), samples=_samples,
               onnx=Onnx(emit=lambda e, **a: e.max_pool(**a), opset=12),
               torch_ref=lambda torch, x, **kw: torch.nn.functional.max_pool2d(x, **kw)))
