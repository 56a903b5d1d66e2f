"""ConvTranspose1d (torch.nn.modules.conv re-exports it), over F.conv_transpose1d."""
from ...ops import api as F
from .conv import _ConvNd


class ConvTranspose1d(_ConvNd):
    """Applies a 1-D transposed convolution (the gradient of Conv1d with respect to its input) over
    (N, C_in, L) input, as torch.nn.ConvTranspose1d.

    Args:
        in_channels, out_channels, kernel_size, stride, padding, output_padding, groups, bias,
        dilation: as ConvTranspose2d's, for one dim.

    Shape:
        - Input: ``(N, C_in, L_in)``.
        - Output: ``(N, C_out, L_out)``, ``L_out = (L_in - 1) * stride - 2 * padding
          + dilation * (kernel_size - 1) + output_padding + 1``.

    Attributes:
        weight: ``(in_channels, out_channels // groups, k)``, initialised as ConvTranspose2d's.
        bias: ``(out_channels,)``.

    Example::

        >>> ug.nn.ConvTranspose1d(16, 8, 4, stride=2, padding=1)(ug.randn(2, 16, 10)).shape
        unigrad.Size([2, 8, 20])
    """
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, True,
                         output_padding, 1, device, dtype, padding_mode)

    def forward(self, input):
        return F.conv_transpose1d(input, self.weight, self.bias, self.stride[0], self.padding[0],
                                  self.output_padding[0], self.groups, self.dilation[0])
