"""ug.nn.functional: the functional ops under PyTorch's torch.nn.functional names: every op whose
variants give it a functional name (ops/bindings.py)."""
from ..ops.bindings import FUNCTIONAL as _FUNCTIONAL

globals().update(_FUNCTIONAL)
__all__ = sorted(_FUNCTIONAL)
