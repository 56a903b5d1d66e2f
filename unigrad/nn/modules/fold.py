"""Unfold and Fold (torch.nn.modules.fold), over F.unfold and F.fold."""
from ..functional import fold, unfold
from .module import Module


def _geometry_repr(self):
    return f"kernel_size={self.kernel_size}, dilation={self.dilation}, padding={self.padding}, stride={self.stride}"


class Unfold(Module):
    """Sliding windows of (N, C, H, W) input as columns (im2col), torch.nn.Unfold.

    Shape:
        - Input: ``(N, C, H, W)`` or ``(C, H, W)``.
        - Output: ``(N, C * kh * kw, L)``, L the number of windows.

    Example::

        >>> ug.nn.Unfold(2)(ug.ones(1, 3, 4, 4)).shape
        unigrad.Size([1, 12, 9])
    """
    def __init__(self, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.kernel_size, self.dilation, self.padding, self.stride = kernel_size, dilation, padding, stride

    def forward(self, input):
        return unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    extra_repr = _geometry_repr


class Fold(Module):
    """Columns summed back into (N, C, H, W) (col2im, overlapping windows add), torch.nn.Fold.

    Shape:
        - Input: ``(N, C * kh * kw, L)`` or ``(C * kh * kw, L)``.
        - Output: ``(N, C, *output_size)``.

    Example::

        >>> ug.nn.Fold((3, 3), 2)(ug.ones(1, 4, 4))[0, 0, 1]
        tensor([2., 4., 2.])
    """
    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.output_size = output_size
        self.kernel_size, self.dilation, self.padding, self.stride = kernel_size, dilation, padding, stride

    def forward(self, input):
        return fold(input, self.output_size, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return f"output_size={self.output_size}, " + _geometry_repr(self)
