"""tf.nest (tf.contrib.framework.nest): nested tuples, lists, namedtuples and dicts of values,
flattened to a list and packed back, as RNN states (LSTMStateTuple, MultiRNNCell's tuple of
states) and tf.data elements are."""


def _leaf(value):
    from .tensor_shape import TensorShape
    return isinstance(value, TensorShape)  # a tuple, but one value (an element's shape)


def is_sequence(value):
    return isinstance(value, (tuple, list, dict)) and not _leaf(value)


def flatten(structure):
    """The leaves of `structure` in order (dicts by sorted key, as TF does)."""
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in flatten(structure[key])]
    if isinstance(structure, (tuple, list)) and not _leaf(structure):
        return [leaf for item in structure for leaf in flatten(item)]
    return [structure]


def pack_sequence_as(structure, flat_sequence):
    """`structure` with its leaves replaced, in order, by those of `flat_sequence`."""
    leaves = iter(flat_sequence)

    def pack(s):
        if isinstance(s, dict):
            packed = {key: pack(s[key]) for key in sorted(s)}
            return type(s)((key, packed[key]) for key in s)
        if _leaf(s):
            return next(leaves)
        if isinstance(s, tuple) and hasattr(s, "_fields"):  # a namedtuple
            return type(s)(*[pack(item) for item in s])
        if isinstance(s, (tuple, list)):
            return type(s)(pack(item) for item in s)
        return next(leaves)
    return pack(structure)


def map_structure(fn, *structures):
    """`fn` applied to the leaves of the structures, leaf by leaf, in the first one's structure."""
    flats = [flatten(s) for s in structures]
    if any(len(f) != len(flats[0]) for f in flats):
        from ...errors import InvalidArgumentError
        raise InvalidArgumentError(f"nest.map_structure: the structures have {[len(f) for f in flats]} leaves")
    return pack_sequence_as(structures[0], [fn(*leaves) for leaves in zip(*flats)])


def assert_same_structure(a, b, check_types=True):
    from ...errors import InvalidArgumentError
    if len(flatten(a)) != len(flatten(b)):
        raise InvalidArgumentError(f"The two structures don't have the same number of elements: {a} and {b}")
