"""The structure of what a traced function takes and returns: nested tuples, lists and dicts
with Tensors replaced by their position in a flat list (the graph's inputs or outputs)."""
from ..core.tensor import Tensor


def flatten(obj, tensors):
    """The structure of obj, each Tensor appended to `tensors` and replaced by ("T", its index)."""
    if isinstance(obj, Tensor):
        tensors.append(obj)
        return ("T", len(tensors) - 1)
    if isinstance(obj, (tuple, list)):
        return (type(obj).__name__, [flatten(o, tensors) for o in obj])
    if isinstance(obj, dict):
        return ("dict", [(k, flatten(v, tensors)) for k, v in obj.items()])
    return ("py", obj)


def unflatten(spec, tensors):
    """The object a structure describes, its Tensors taken from `tensors`."""
    kind, body = spec
    if kind == "T":
        return tensors[body]
    if kind == "tuple":
        return tuple(unflatten(s, tensors) for s in body)
    if kind == "list":
        return [unflatten(s, tensors) for s in body]
    if kind == "dict":
        return {k: unflatten(s, tensors) for k, s in body}
    return body
