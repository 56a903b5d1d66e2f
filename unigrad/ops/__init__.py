"""The op registry and every registered op (importing this registers them all)."""
from . import api
from .registry import REGISTRY, OpDef, Sample, get, register
from .dispatch import dispatch
