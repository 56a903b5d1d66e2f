"""tf.errors: the exception classes TF1 programs catch (tf.errors.OutOfRangeError at the end of a
tf.data iterator, InvalidArgumentError, ...), in unigrad's error family."""
from ...errors import InvalidArgumentError, UnigradError
from .graph import FailedPreconditionError


class OpError(UnigradError, RuntimeError):
    """Base of the errors an op raises while a graph runs."""


class OutOfRangeError(OpError, IndexError):
    """An iterator has no more elements (the end of an epoch of a tf.data pipeline)."""


class NotFoundError(OpError, OSError):
    """A file or name does not exist."""


class ResourceExhaustedError(OpError, MemoryError):
    pass


class UnimplementedError(OpError, NotImplementedError):
    pass


class CancelledError(OpError):
    pass


class UnknownError(OpError):
    pass


__all__ = ["OpError", "OutOfRangeError", "NotFoundError", "InvalidArgumentError", "FailedPreconditionError",
           "ResourceExhaustedError", "UnimplementedError", "CancelledError", "UnknownError"]
