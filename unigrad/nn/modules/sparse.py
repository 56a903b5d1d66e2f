"""torch.nn.modules.sparse's names (the class lives in sparse_dropout.py)."""
from .sparse_dropout import Embedding  # noqa: F401
