"""ConvTranspose3d (torch.nn.modules.conv re-exports it), over F.conv_transpose3d."""
from ..functional import conv_transpose3d
from .conv import _ConvNd


class ConvTranspose3d(_ConvNd):
    """Applies a 3-D transposed convolution (the gradient of Conv3d with respect to its input) over
    (N, C_in, D, H, W) input, as torch.nn.ConvTranspose3d.

    Shape:
        - Input: ``(N, C_in, D, H, W)`` or ``(C_in, D, H, W)``.
        - Output: each spatial size ``(size - 1) * stride - 2 * padding + dilation * (kernel_size - 1)
          + output_padding + 1``.

    Attributes:
        weight: ``(in_channels, out_channels // groups, kd, kh, kw)``, initialised as ConvTranspose2d's.
        bias: ``(out_channels,)``.

    Example::

        >>> ug.nn.ConvTranspose3d(4, 2, 3, stride=2, padding=1, output_padding=1)(ug.randn(1, 4, 2, 3, 3)).shape
        unigrad.Size([1, 2, 4, 6, 6])
    """
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, True,
                         output_padding, 3, device, dtype, padding_mode)

    def forward(self, input):
        return conv_transpose3d(input, self.weight, self.bias, self.stride, self.padding, self.output_padding,
                                self.groups, self.dilation)
