"""torch.nn.modules.batchnorm's names (the classes live in normalization.py)."""
from .normalization import BatchNorm1d, BatchNorm2d  # noqa: F401
