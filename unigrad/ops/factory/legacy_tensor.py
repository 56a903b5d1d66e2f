"""torch's legacy typed constructors (FloatTensor, LongTensor, ...): ``LongTensor(n)`` is an
uninitialised tensor of that size, ``FloatTensor([1, 2])`` a copy of the data, and
``isinstance(t, FloatTensor)`` asks for the dtype (CPU tensors, as torch). Not ops: each call
makes its tensor through the empty and tensor factories."""
import numpy as np

from ...backend import dtypes as _dt
from ...core.tensor import Tensor, tensor
from ...errors import InvalidArgumentError
from .empty import empty


class _LegacyType(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype and obj.device.type == "cpu"

    def __repr__(cls):
        return f"<class 'unigrad.{cls.__name__}'>"


class _LegacyTensor(metaclass=_LegacyType):
    dtype = None

    def __new__(cls, *args, device=None):
        if not args:
            return empty(0, dtype=cls.dtype, device=device)
        if len(args) == 1 and isinstance(args[0], Tensor):
            if args[0].dtype is not cls.dtype:
                raise InvalidArgumentError(f"{cls.__name__}(tensor): expected a {cls.dtype.name} tensor, got "
                                           f"{args[0].dtype.name}; use t.type({cls.__name__}) to convert")
            return args[0]
        if all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args):
            return empty(*[int(a) for a in args], dtype=cls.dtype, device=device)
        if len(args) == 1 and type(args[0]).__name__ == "Size":  # a shape object: its sizes
            return empty(*args[0], dtype=cls.dtype, device=device)
        if len(args) == 1:
            return tensor(args[0], dtype=cls.dtype, device=device)
        raise InvalidArgumentError(f"{cls.__name__}(*args): give sizes (ints), or one sequence or array of "
                                   f"data, got {', '.join(type(a).__name__ for a in args)}")


def _legacy(name, dtype):
    doc = (f"Legacy constructor of {dtype.name} tensors (torch.{name}): ``{name}(2, 3)`` is uninitialised "
           f"of shape (2, 3), ``{name}(data)`` a copy of data as {dtype.name}, ``{name}()`` empty.")
    return _LegacyType(name, (_LegacyTensor,), {"dtype": dtype, "__doc__": doc, "__module__": "unigrad"})


FloatTensor = _legacy("FloatTensor", _dt.float32)
DoubleTensor = _legacy("DoubleTensor", _dt.float64)
HalfTensor = _legacy("HalfTensor", _dt.float16)
LongTensor = _legacy("LongTensor", _dt.int64)
IntTensor = _legacy("IntTensor", _dt.int32)
ShortTensor = _legacy("ShortTensor", _dt.int16)
CharTensor = _legacy("CharTensor", _dt.int8)
ByteTensor = _legacy("ByteTensor", _dt.uint8)
BoolTensor = _legacy("BoolTensor", _dt.bool_)

LEGACY = {c.__name__: c for c in (FloatTensor, DoubleTensor, HalfTensor, LongTensor, IntTensor, ShortTensor,
                                  CharTensor, ByteTensor, BoolTensor)}
BY_DTYPE = {c.dtype: c for c in LEGACY.values()}
