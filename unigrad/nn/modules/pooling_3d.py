"""AvgPool3d and AdaptiveAvgPool3d (torch.nn.modules.pooling re-exports them)."""
from ..functional import adaptive_avg_pool3d, avg_pool3d
from .module import Module


class AvgPool3d(Module):
    """3-D average pooling (torch.nn.AvgPool3d; padding counts as zeros, ceil_mode unsupported).

    Shape:
        - Input: ``(N, C, D, H, W)`` or ``(C, D, H, W)``.
        - Output: each spatial size ``floor((size + 2 * padding - kernel_size) / stride) + 1``.

    Example::

        >>> ug.nn.AvgPool3d(2)(ug.ones(1, 2, 4, 4, 4)).shape
        unigrad.Size([1, 2, 2, 2, 2])
    """
    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        super().__init__()
        self.kernel_size, self.stride = kernel_size, stride if stride is not None else kernel_size
        self.padding, self.ceil_mode, self.count_include_pad = padding, ceil_mode, count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input):
        return avg_pool3d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad,
                          self.divisor_override)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool3d(Module):
    """3-D average pooling to a fixed output size (torch.nn.AdaptiveAvgPool3d).

    Shape:
        - Input: ``(N, C, D, H, W)`` or ``(C, D, H, W)``.
        - Output: the spatial sizes set to output_size.

    Example::

        >>> ug.nn.AdaptiveAvgPool3d(1)(ug.ones(1, 2, 3, 4, 4)).shape
        unigrad.Size([1, 2, 1, 1, 1])
    """
    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, input):
        return adaptive_avg_pool3d(input, self.output_size)

    def extra_repr(self):
        return f"output_size={self.output_size}"
