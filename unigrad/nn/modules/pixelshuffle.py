"""PixelShuffle and PixelUnshuffle (torch.nn.modules.pixelshuffle)."""
from ...ops import api as F
from .module import Module


class PixelShuffle(Module):
    """Rearranges (*, C * r^2, H, W) into (*, C, H * r, W * r): sub-pixel upsampling (Shi et al.,
    ESPCN), as torch.nn.PixelShuffle.

    Shape:
        - Input: ``(*, C * r^2, H, W)``.
        - Output: ``(*, C, H * r, W * r)``.

    Example::

        >>> ug.nn.PixelShuffle(3)(ug.ones(1, 9, 4, 4)).shape
        unigrad.Size([1, 1, 12, 12])
    """
    def __init__(self, upscale_factor):
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input):
        return F.pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self):
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """PixelShuffle's inverse: (*, C, H * r, W * r) into (*, C * r^2, H, W).

    Shape:
        - Input: ``(*, C, H * r, W * r)``.
        - Output: ``(*, C * r^2, H, W)``.

    Example::

        >>> ug.nn.PixelUnshuffle(2)(ug.ones(1, 1, 4, 4)).shape
        unigrad.Size([1, 4, 2, 2])
    """
    def __init__(self, downscale_factor):
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input):
        return F.pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self):
        return f"downscale_factor={self.downscale_factor}"
