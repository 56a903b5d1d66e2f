"""tf.group, tf.no_op, tf.identity-style control: Operations that only order other work."""
from .graph import Operation


def group(*inputs, name="group_deps"):
    """One Operation that runs all of `inputs` (ops or tensors)."""
    flat = [i for item in inputs for i in (item if isinstance(item, (list, tuple)) else [item])]
    return Operation(flat, lambda *_: None, name)


def no_op(name="NoOp"):
    return Operation([], lambda: None, name)
