"""The op registry and every registered op: importing this imports each module of the op
families below (one op per file, registered where it is defined), so adding an op is adding
its file."""
import importlib
import pkgutil

from . import api
from .registry import REGISTRY, OpDef, Sample, get, register
from .dispatch import dispatch


def _import_families():
    for family in sorted(m.name for m in pkgutil.iter_modules(__path__) if m.ispkg):
        package = importlib.import_module(f"{__name__}.{family}")
        for module in sorted(m.name for m in pkgutil.iter_modules(package.__path__)):
            importlib.import_module(f"{package.__name__}.{module}")


_import_families()
