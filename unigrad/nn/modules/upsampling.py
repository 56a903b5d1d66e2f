"""Upsample and its fixed-mode forms (torch.nn.modules.upsampling), over F.interpolate."""
from ...ops import api as F
from .module import Module


class Upsample(Module):
    """Resizes (N, C, *spatial) input to `size` or by `scale_factor` with F.interpolate's modes
    ('nearest', 'nearest-exact', 'linear', 'bilinear', 'trilinear') and align_corners, as
    torch.nn.Upsample.

    Shape:
        - Input: ``(N, C, W)``, ``(N, C, H, W)`` or ``(N, C, D, H, W)``.
        - Output: the same with each spatial size replaced by ``size`` or ``floor(size * scale_factor)``.

    Example::

        >>> m = ug.nn.Upsample(scale_factor=2, mode="bilinear")
        >>> m
        Upsample(scale_factor=2.0, mode='bilinear')
        >>> m(ug.ones(1, 1, 2, 3)).shape
        unigrad.Size([1, 1, 4, 6])
    """
    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None, recompute_scale_factor=None):
        super().__init__()
        self.size = size
        self.scale_factor = (float(scale_factor) if isinstance(scale_factor, (int, float))
                             else tuple(float(f) for f in scale_factor) if scale_factor else None)
        self.mode, self.align_corners, self.recompute_scale_factor = mode, align_corners, recompute_scale_factor

    def forward(self, input):
        return F.interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                             recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self):
        info = f"scale_factor={self.scale_factor!r}" if self.scale_factor is not None else f"size={self.size!r}"
        return info + f", mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """Upsample with mode 'nearest' for (N, C, H, W) input.

    Shape:
        - Input: ``(N, C, H, W)``.
        - Output: ``(N, C, H_out, W_out)``.

    Example::

        >>> ug.nn.UpsamplingNearest2d(scale_factor=2)(ug.ones(1, 1, 2, 2)).shape
        unigrad.Size([1, 1, 4, 4])
    """
    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Upsample with mode 'bilinear' and align_corners=True (as torch's) for (N, C, H, W) input.

    Shape:
        - Input: ``(N, C, H, W)``.
        - Output: ``(N, C, H_out, W_out)``.

    Example::

        >>> ug.nn.UpsamplingBilinear2d(size=3)(ug.tensor([[[[0.0, 2.0]]]]))
        tensor([[[[0., 1., 2.],
                  [0., 1., 2.],
                  [0., 1., 2.]]]])
    """
    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)
