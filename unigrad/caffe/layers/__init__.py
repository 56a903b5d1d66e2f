"""Caffe's layers, one small mapper to registry ops per file. Importing the package imports
every layer module, which registers its type."""
import importlib
import pkgutil

from .registry import LAYER_TYPES, create, unsupported

for _info in pkgutil.iter_modules(__path__):
    if _info.name not in ("base", "registry", "common"):
        importlib.import_module(f"{__name__}.{_info.name}")
