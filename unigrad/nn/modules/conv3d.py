"""Conv3d (torch.nn.modules.conv re-exports it), over F.conv3d."""
from ...ops import api as F
from .conv import _ConvNd


class Conv3d(_ConvNd):
    """Applies a 3-D convolution (a cross-correlation, as PyTorch) over (N, C_in, D, H, W) input.

    Args:
        in_channels, out_channels: ``C_in`` and ``C_out``.
        kernel_size, stride, padding, dilation: ``int`` or ``(d, h, w)``; padding also ``'same'``
            (stride 1) or ``'valid'``.
        groups: channels split into this many groups. Default: 1.
        bias: learn an additive bias. Default: True.
        padding_mode: ``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'``, as in PyTorch.

    Shape:
        - Input: ``(N, C_in, D, H, W)`` or ``(C_in, D, H, W)``.
        - Output: ``(N, C_out, D_out, H_out, W_out)``, each
          ``floor((size + 2 * padding - dilation * (kernel_size - 1) - 1) / stride) + 1``.

    Attributes:
        weight: ``(out_channels, in_channels // groups, kd, kh, kw)``, initialised as Conv2d's.
        bias: ``(out_channels,)``.

    Example::

        >>> m = ug.nn.Conv3d(4, 8, 3, stride=2, padding=1)
        >>> m(ug.randn(2, 4, 8, 8, 8)).shape
        unigrad.Size([2, 8, 4, 4, 4])
    """
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, False, 0, 3,
                         device, dtype, padding_mode)

    def forward(self, input):
        if self.padding_mode != "zeros" or isinstance(self.padding, str):  # conv3d pads only evenly, with zeros
            return F.conv3d(self._padded_input(input), self.weight, self.bias, self.stride, 0, self.dilation,
                            self.groups)
        return F.conv3d(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)
