"""One exception family for unigrad, with the user's call site in every message."""
import os
import sys
import threading

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


class UnigradError(Exception):
    """Base class of every error unigrad raises on purpose.

    The message gets the file:line of the user's code that led to it, so an error raised deep
    inside a composite op still points at the line to fix.
    """

    def __init__(self, message="", *args):
        if isinstance(message, str) and "(at " not in message:
            where = user_frame()
            if where != "<unknown>":
                message = f"{message} (at {where})"
        super().__init__(message, *args)


class ShapeError(UnigradError, ValueError):
    """Operand shapes do not fit the op."""


class DtypeError(UnigradError, TypeError):
    """Operand dtypes do not fit the op."""


class DeviceError(UnigradError, RuntimeError):
    """Operands live on different devices, or a device is unavailable."""


class AutogradError(UnigradError, RuntimeError):
    """The autograd graph cannot compute what was asked (freed graph, in-place change, ...)."""


class StateDictError(UnigradError, KeyError):
    """A state_dict does not match the module or optimizer it is loaded into."""

    def __str__(self):  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class InvalidArgumentError(UnigradError, ValueError):
    """An argument has a value the function cannot accept."""


class InvalidTypeError(UnigradError, TypeError):
    """An argument has a type the function cannot accept."""


class OutOfBoundsError(UnigradError, IndexError):
    """An index is outside the tensor or container."""


class DataError(UnigradError, OSError):
    """A dataset or weights file is missing, corrupt or of the wrong format."""


class DistributedError(UnigradError, RuntimeError):
    """Data-parallel training went wrong: no process group, ranks out of step, replicas that differ."""


class _Site(threading.local):
    override = None


_site = _Site()


class calling_site:
    """Within it, user_frame() is `site`: code run on behalf of a line written earlier (a TF1 op
    evaluated by Session.run) reports the line that created it, not the one running it."""

    def __init__(self, site):
        self.site = site

    def __enter__(self):
        self.previous, _site.override = _site.override, self.site
        return self

    def __exit__(self, *exc):
        _site.override = self.previous
        return False


def user_frame():
    """'file:line' of the innermost stack frame outside the unigrad package (or of the
    calling_site in effect)."""
    if _site.override is not None:
        return _site.override
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not os.path.abspath(filename).startswith(_PACKAGE_DIR):
            return f"{filename}:{frame.f_lineno}"
        frame = frame.f_back
    return "<unknown>"
