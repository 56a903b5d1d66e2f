"""tf.TensorShape and tf.Dimension: static shapes whose dimensions and rank may be unknown.

A TensorShape is a tuple of ints and None (so `x.shape == (None, 3)` holds), and indexing or
iterating it gives Dimensions as TF1 does (`x.shape[1].value`, `int(x.get_shape()[-1])`). An
unknown rank prints as `<unknown>`, an unknown dimension as `?`.
"""
from ...errors import InvalidArgumentError


class Dimension(int):
    """A known dimension: an int with TF1's `.value`. `Dimension(None)` is an unknown one."""

    def __new__(cls, value):
        if value is None or isinstance(value, UnknownDimension):
            return UNKNOWN
        return super().__new__(cls, int(value.value if isinstance(value, Dimension) else value))

    @property
    def value(self):
        return int(self)

    def __repr__(self):
        return f"Dimension({int(self)})"

    def __str__(self):
        return str(int(self))


class UnknownDimension:
    """A dimension not known until the graph runs: `.value` is None; arithmetic stays unknown."""
    value = None

    def __repr__(self):
        return "Dimension(None)"

    def __str__(self):
        return "?"

    def __eq__(self, other):
        return other is None or isinstance(other, UnknownDimension)

    def __hash__(self):
        return hash(None)

    def _unknown(self, *_):
        return self

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __floordiv__ = __rfloordiv__ = _unknown

    def __int__(self):
        raise InvalidArgumentError("this dimension is unknown (None) until the graph runs; use tf.shape(x) "
                                   "for its value at run time")

    __index__ = __int__


UNKNOWN = object.__new__(UnknownDimension)


def _raw(d):
    if d is None or isinstance(d, UnknownDimension):
        return None
    return int(d)


def as_dims(shape):
    """A shape given as None (unknown rank), an int, or a sequence of ints/None/Dimensions, as
    a tuple of ints and None (or None)."""
    if shape is None:
        return None
    if isinstance(shape, TensorShape):
        return shape.dims_or_none()
    if isinstance(shape, int):
        return (int(shape),)
    try:
        return tuple(_raw(d) for d in shape)
    except (TypeError, ValueError):
        raise InvalidArgumentError(f"a shape must be a list of ints (None for unknown), got {shape!r}") from None


class TensorShape(tuple):
    def __new__(cls, dims):
        raw = as_dims(dims)
        self = super().__new__(cls, () if raw is None else raw)
        self.known = raw is not None
        return self

    def dims_or_none(self):
        return tuple(super().__iter__()) if self.known else None

    def __getitem__(self, key):
        if not self.known:
            if isinstance(key, slice):
                return TensorShape(None)
            return UNKNOWN
        item = super().__getitem__(key)
        return TensorShape(item) if isinstance(key, slice) else Dimension(item)

    def __iter__(self):
        if not self.known:
            raise InvalidArgumentError("cannot iterate over a shape of unknown rank")
        return (Dimension(d) for d in super().__iter__())

    def __bool__(self):  # TF1: a shape of known rank is true, even a scalar's
        return self.known

    def __len__(self):
        if not self.known:
            raise InvalidArgumentError("cannot take the length of a shape of unknown rank")
        return super().__len__()

    def __eq__(self, other):
        try:
            other = as_dims(other)
        except InvalidArgumentError:
            return NotImplemented
        return self.dims_or_none() == other

    def __ne__(self, other):
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __hash__(self):
        return hash(self.dims_or_none())

    def __str__(self):
        if not self.known:
            return "<unknown>"
        dims = ["?" if d is None else str(d) for d in super().__iter__()]
        return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"

    def __repr__(self):
        if not self.known:
            return "TensorShape(None)"
        return "TensorShape([" + ", ".join(repr(Dimension(d)) for d in super().__iter__()) + "])"

    def as_list(self):
        if not self.known:
            raise InvalidArgumentError("as_list() is not defined on an unknown TensorShape")
        return list(super().__iter__())

    @property
    def ndims(self):
        return super().__len__() if self.known else None

    rank = ndims

    @property
    def dims(self):
        return None if not self.known else [Dimension(d) for d in super().__iter__()]

    def is_fully_defined(self):
        return self.known and None not in tuple(super().__iter__())

    def num_elements(self):
        if not self.is_fully_defined():
            return None
        n = 1
        for d in super().__iter__():
            n *= d
        return n

    def is_compatible_with(self, other):
        a, b = self.dims_or_none(), as_dims(other)
        if a is None or b is None:
            return True
        return len(a) == len(b) and all(x is None or y is None or x == y for x, y in zip(a, b))

    def merge_with(self, other):
        a, b = self.dims_or_none(), as_dims(other)
        if not self.is_compatible_with(other):
            raise InvalidArgumentError(f"Shapes {self} and {TensorShape(other)} are not compatible")
        if a is None or b is None:
            return TensorShape(a if b is None else b)
        return TensorShape([x if x is not None else y for x, y in zip(a, b)])

    def concatenate(self, other):
        a, b = self.dims_or_none(), as_dims(other)
        return TensorShape(None if a is None or b is None else a + b)

    def with_rank(self, rank):
        if self.known and super().__len__() != rank:
            raise InvalidArgumentError(f"Shape {self} must have rank {rank}")
        return self if self.known else TensorShape([None] * rank)


def unknown_shape():
    return TensorShape(None)
