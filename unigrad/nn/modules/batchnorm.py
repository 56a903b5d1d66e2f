"""torch.nn.modules.batchnorm's names: BatchNorm1d/2d (their classes live in normalization.py)
and BatchNorm3d."""
from .normalization import BatchNorm1d, BatchNorm2d, _BatchNorm  # noqa: F401


class BatchNorm3d(_BatchNorm):
    """Batch normalisation over the channel dimension of ``(N, C, D, H, W)`` input (statistics over
    ``N, D, H, W``), as BatchNorm2d for volumes (torch.nn.BatchNorm3d).

    Shape:
        - Input: ``(N, C, D, H, W)``.
        - Output: the input's shape.

    Example::

        >>> ug.nn.BatchNorm3d(3)(ug.randn(2, 3, 2, 4, 4)).shape
        unigrad.Size([2, 3, 2, 4, 4])
    """
    expected_dims = (5,)
