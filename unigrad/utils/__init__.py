"""ug.utils: what torch.utils holds for users (data loading, TensorBoard), each submodule loaded
when first used."""
import importlib

_SUBMODULES = ("data", "tensorboard")


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'unigrad.utils' has no attribute {name!r}")
