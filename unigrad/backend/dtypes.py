"""unigrad dtypes and PyTorch-style type promotion (Python scalars are 'weak')."""
import numpy as np

from ..errors import DtypeError, InvalidTypeError


class DType:
    __slots__ = ("name", "np", "category", "itemsize")
    # category order: bool < integer < floating
    _by_np = {}

    def __init__(self, name, np_dtype, category):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.category = category
        self.itemsize = self.np.itemsize
        DType._by_np[self.np] = self

    @property
    def is_floating_point(self):
        return self.category == 2

    def __repr__(self):
        return f"unigrad.{self.name}"

    def __reduce__(self):
        raise InvalidTypeError("unigrad dtypes are not picklable by design")


bool_ = DType("bool", np.bool_, 0)
uint8 = DType("uint8", np.uint8, 1)
int8 = DType("int8", np.int8, 1)
int16 = DType("int16", np.int16, 1)
int32 = DType("int32", np.int32, 1)
int64 = DType("int64", np.int64, 1)
float16 = DType("float16", np.float16, 2)
float32 = DType("float32", np.float32, 2)
float64 = DType("float64", np.float64, 2)

_BY_NAME = {d.name: d for d in DType._by_np.values()}
_BY_NAME.update({"float": float32, "double": float64, "half": float16, "long": int64, "int": int32})
_default_float = float32


def get_default_dtype():
    return _default_float


def set_default_dtype(dtype):
    global _default_float
    dtype = to_dtype(dtype)
    if not dtype.is_floating_point:
        raise DtypeError(f"set_default_dtype expects a floating dtype, got {dtype}")
    _default_float = dtype


def to_dtype(spec):
    """Accept a DType, a numpy dtype, a name or a Python type."""
    if isinstance(spec, DType):
        return spec
    if spec is float:
        return _default_float
    if spec is int:
        return int64
    if spec is bool:
        return bool_
    if isinstance(spec, str) and spec in _BY_NAME:
        return _BY_NAME[spec]
    try:
        found = DType._by_np.get(np.dtype(spec))
    except TypeError:
        found = None
    if found is None:
        raise DtypeError(f"unsupported dtype {spec!r}; use one of {sorted(_BY_NAME)}")
    return found


def dtype_of(array):
    found = DType._by_np.get(array.dtype)
    if found is None:
        raise DtypeError(f"arrays of dtype {array.dtype} are not supported")
    return found


def promote(a, b):
    """Result dtype of two tensor dtypes: the higher category wins; same category promotes."""
    if a is b:
        return a
    if a.category != b.category:
        return a if a.category > b.category else b
    return DType._by_np[np.promote_types(a.np, b.np)]


def _scalar_category(value):
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return 1
    return 2


def result_dtype(tensor_dtypes, scalars=()):
    """Promotion over tensors, then weak Python scalars that only raise the category."""
    result = None
    for d in tensor_dtypes:
        result = d if result is None else promote(result, d)
    for s in scalars:
        cat = _scalar_category(s)
        if result is None:
            result = (bool_, int64, _default_float)[cat]
        elif cat > result.category:
            result = int64 if cat == 1 else _default_float
    return result
