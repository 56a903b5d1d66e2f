"""Shapes given to TF1 ops (tf.zeros, tf.fill, tf.reshape, tf.random_normal, ...) as Python ints,
TensorShapes, lists mixing ints and scalar tensors (`[tf.shape(x)[0], 3]`), or 1-D int tensors
(`tf.shape(x)`, `tf.stack([...])`).

Tensors in a shape become inputs of the op's node, read when the graph runs; what the graph
already knows of them (`Tensor.const_value`: tf.shape of a partly known shape, a constant)
gives the static shape, with None where a size is only known at run time.
"""
from ...errors import InvalidArgumentError
from .graph import Tensor
from .tensor_shape import Dimension, TensorShape, UnknownDimension


class ShapeArg:
    """`static`: the shape as far as the graph knows it (a tuple with None, or None for an
    unknown rank); `inputs`: the tensors the shape reads; `build(values)`: the concrete shape
    from those tensors' values at run time."""

    def __init__(self, static, inputs, build):
        self.static, self.inputs, self.build = static, inputs, build


def _int(value, what):
    if isinstance(value, bool) or not isinstance(value, (int, Dimension)) and not hasattr(value, "__index__"):
        raise InvalidArgumentError(f"{what}: a shape's sizes must be ints or int tensors, got {value!r}")
    return int(value)


def _ints(value):
    """A run-time shape tensor's values as Python ints (reading them is what the op needs)."""
    out = value.tolist()
    return [int(v) for v in (out if isinstance(out, list) else [out])]


def shape_arg(shape, what="shape"):
    """The ShapeArg of `shape`, as TF accepts it."""
    if isinstance(shape, Tensor):
        if shape._shape is not None and len(shape._shape) > 1:
            raise InvalidArgumentError(f"{what}: a shape tensor must be 1-D (or a scalar), got shape {shape.shape}")
        known = shape.const_value
        if known is not None:
            static = tuple(known) if isinstance(known, (list, tuple)) else (known,)
        elif shape._shape is not None and shape._shape and shape._shape[0] is not None:
            static = (None,) * shape._shape[0]
        elif shape._shape == ():
            static = (None,)
        else:
            static = None
        if static is not None and None not in static:
            return ShapeArg(static, [], lambda: static)
        return ShapeArg(static, [shape], lambda v: tuple(_ints(v)))
    if shape is None:
        raise InvalidArgumentError(f"{what}: a shape is needed here (got None)")
    if isinstance(shape, TensorShape):
        if not shape.is_fully_defined():
            raise InvalidArgumentError(f"{what}: the shape {shape} is not fully defined; pass tf.shape(x) for a "
                                       "shape known only at run time")
        return ShapeArg(tuple(shape.as_list()), [], lambda: tuple(shape.as_list()))
    if isinstance(shape, (int, Dimension)) and not isinstance(shape, bool):
        dims = (int(shape),)
        return ShapeArg(dims, [], lambda: dims)
    if not isinstance(shape, (list, tuple)):
        raise InvalidArgumentError(f"{what}: expected a list of ints or a 1-D int tensor, got {type(shape).__name__}")
    static, tensors, slots = [], [], []
    for i, d in enumerate(shape):
        if isinstance(d, Tensor):
            if d._shape not in ((), (1,), None):
                raise InvalidArgumentError(f"{what}: element {i} of the shape is a tensor of shape {d.shape}; "
                                           "each element must be a scalar")
            known = d.const_value
            known = known[0] if isinstance(known, (list, tuple)) and len(known) == 1 else known
            if isinstance(known, int):
                static.append(known)
                slots.append(known)
            else:  # read from the tensor's value when the graph runs
                static.append(None)
                slots.append(("tensor", len(tensors)))
                tensors.append(d)
        elif isinstance(d, UnknownDimension) or d is None:
            raise InvalidArgumentError(f"{what}: element {i} of the shape is unknown (None); pass tf.shape(x)[{i}] "
                                       "for a size known only at run time")
        else:
            static.append(_int(d, what))
            slots.append(static[-1])
    static = tuple(static)

    def build(*values):
        return tuple(_ints(values[s[1]])[0] if isinstance(s, tuple) else s for s in slots)
    return ShapeArg(static, tensors, build)


def reshape_static(input_shape, target):
    """The static result of reshaping `input_shape` to `target` (with None and one -1)."""
    if target is None:
        return None
    if target.count(-1) > 1:
        raise InvalidArgumentError(f"tf.reshape: at most one -1 in the shape, got {list(target)}")
    if -1 not in target:
        return target
    known = [d for d in target if d not in (-1, None)]
    if input_shape is None or None in input_shape or None in target:
        return tuple(None if d == -1 else d for d in target)
    total = 1
    for d in input_shape:
        total *= d
    rest = 1
    for d in known:
        rest *= d
    return tuple(total // rest if d == -1 and rest else d for d in target)
