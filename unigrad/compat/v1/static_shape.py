"""Static shapes of TF1 graph tensors, from the op registry's shape rules.

TF infers a tensor's shape when the graph is built, with unknown dimensions (None), so
`x.shape` and `get_shape().as_list()` work before anything runs. Here a node's evaluation
function runs on tensors of the 'meta' device (shapes, no data), so every op's own `infer` rule
gives the shape and there is no second shape inference. Unknown dimensions are probed: the
function runs twice, with every unknown dimension set to PROBES[0] and then to PROBES[1];
dimensions that come out the same both times are known, the others are unknown. (A product of
1..16 keeps reshapes of unknown batches divisible.) A shape error raised both times with the
same message whatever the unknown sizes is a real error of the graph, raised when the op is
created, as TF does; any other failure leaves the shape unknown.
"""
from ...backend.device import meta
from ...core.grad_mode import no_grad
from ...core.tensor import Tensor as EagerTensor
from ...errors import ShapeError

PROBES = (720720, 1441440)


def meta_values(shape, dtype):
    """The node's value on the meta device in each probe (None: unknown rank); one tensor for
    both probes when every dimension is known."""
    if shape is None:
        return None
    if None not in shape:
        value = _meta_tensor(shape, dtype)
        return value, value
    return tuple(_meta_tensor(tuple(p if d is None else d for d in shape), dtype) for p in PROBES)


def _meta_tensor(shape, dtype):
    from ...ops.factory.empty import empty
    return empty(shape, dtype=dtype, device=meta)


def infer(fn, inputs):
    """(static shape, meta values) of fn applied to the input nodes; (None, None) when unknown."""
    probes = [node.meta for node in inputs]
    if any(p is None for p in probes):
        return None, None
    runs = 1 if all(p[0] is p[1] for p in probes) else len(PROBES)  # no unknown dimension: run once
    results, errors = [], []
    for k in range(runs):
        try:
            with no_grad():
                results.append(fn(*[p[k] for p in probes]))
        except ShapeError as exc:
            errors.append(str(exc).replace(str(PROBES[k]), "?"))
        except Exception:
            return None, None
    if errors:
        if len(errors) == runs and len(set(errors)) == 1:  # whatever the unknown sizes: a real error
            raise ShapeError(errors[0])
        return None, None
    values = tuple(results) if runs > 1 else (results[0], results[0])
    if not all(isinstance(v, EagerTensor) for v in values):
        return None, values  # a tuple of tensors (tf.split's pieces): no shape of its own
    if len(values[0].shape) != len(values[1].shape):
        return None, None
    return tuple(a if a == b else None for a, b in zip(values[0].shape, values[1].shape)), values
