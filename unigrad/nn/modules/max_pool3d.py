"""MaxPool3d (torch.nn.modules.pooling re-exports it), over F.max_pool3d."""
from ...ops import api as F
from .max_pool_base import _MaxPoolNd


class MaxPool3d(_MaxPoolNd):
    """3-D max pooling: the maximum of each ``kernel_size`` window, per channel, as torch.nn.MaxPool3d,
    with ``ceil_mode`` and ``return_indices`` (indices into the flattened D * H * W input).

    Shape:
        - Input: ``(N, C, D, H, W)`` or ``(C, D, H, W)``.
        - Output: each spatial size ``floor((size + 2 * padding - dilation * (kernel_size - 1) - 1) / stride) + 1``
          (``ceil`` with ceil_mode, less a last window that would start past the input and its padding).

    Example::

        >>> ug.nn.MaxPool3d(2)(ug.randn(1, 2, 4, 6, 6)).shape
        unigrad.Size([1, 2, 2, 3, 3])
    """
    _pool = staticmethod(F.max_pool3d)
