"""torch.nn.modules.flatten's names (the classes live in linear.py)."""
from .linear import Flatten, Unflatten  # noqa: F401
