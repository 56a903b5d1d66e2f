"""MaxPool3d (torch.nn.modules.pooling re-exports it), over F.max_pool3d."""
from ...ops import api as F
from .module import Module


class MaxPool3d(Module):
    """3-D max pooling: the maximum of each ``kernel_size`` window, per channel, as torch.nn.MaxPool3d
    (ceil_mode and return_indices are not supported).

    Shape:
        - Input: ``(N, C, D, H, W)`` or ``(C, D, H, W)``.
        - Output: each spatial size ``floor((size + 2 * padding - dilation * (kernel_size - 1) - 1) / stride) + 1``.

    Example::

        >>> ug.nn.MaxPool3d(2)(ug.randn(1, 2, 4, 6, 6)).shape
        unigrad.Size([1, 2, 2, 3, 3])
    """
    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False):
        super().__init__()
        self.kernel_size, self.stride = kernel_size, stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, input):
        return F.max_pool3d(input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                            self.return_indices)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")
