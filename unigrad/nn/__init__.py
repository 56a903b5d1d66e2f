"""ug.nn: modules, layers, losses, init and functional, with PyTorch's names."""
from . import functional, init, parallel, utils
from .modules import *  # noqa: F401,F403
from .parameter import Parameter
