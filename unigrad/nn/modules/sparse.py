"""torch.nn.modules.sparse's names (the classes live in sparse_dropout.py and embedding_bag.py)."""
from .embedding_bag import EmbeddingBag  # noqa: F401
from .sparse_dropout import Embedding  # noqa: F401
