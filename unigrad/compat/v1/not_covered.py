"""The error for a TF1 name unigrad.compat.v1 does not have: it says so plainly (so it is not
taken for a typo of the user's), suggests close names that exist, and points at docs/tf1.md."""
import difflib

from ...errors import UnigradError


class NotCoveredError(UnigradError, AttributeError):
    """A TensorFlow 1 name that unigrad.compat.v1 does not cover (yet). An AttributeError, so
    `hasattr(tf, name)` and `getattr(tf, name, default)` behave as for any missing attribute."""


def module_getattr(path, names):
    """A module-level `__getattr__` for the TF1 namespace `path` ('tf.nn'), whose existing public
    names `names()` gives."""
    def __getattr__(name):
        if name.startswith("__"):  # Python's own protocol lookups (__path__, __wrapped__, ...)
            raise AttributeError(f"module {path!r} has no attribute {name!r}")
        close = difflib.get_close_matches(name, [n for n in names() if not n.startswith("_")], n=3, cutoff=0.75)
        hint = f" Close names that exist: {', '.join(f'{path}.{c}' for c in close)}." if close else ""
        raise NotCoveredError(f"{path}.{name} is a name unigrad's TensorFlow 1 API (unigrad.compat.v1) does not "
                              f"cover yet.{hint} docs/tf1.md lists what is covered.")
    return __getattr__


class Namespace:
    """A TF1 sub-namespace that is not a module of its own (tf.math, tf.random, tf.contrib.layers):
    attribute access to a name it lacks raises NotCoveredError."""

    def __init__(self, path, **members):
        self._path = path
        self.__dict__.update(members)

    def __getattr__(self, name):
        return module_getattr(self._path, lambda: list(self.__dict__))(name)

    def __repr__(self):
        return f"<TF1 namespace {self._path}>"
