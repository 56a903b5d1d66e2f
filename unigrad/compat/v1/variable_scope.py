"""tf.get_variable / tf.variable_scope: variables shared by name, as TF1 layer code expects."""
import contextlib

from ...backend import dtypes as _dt
from ...errors import InvalidArgumentError
from .graph import get_default_graph
from .initializers import glorot_uniform_initializer, zeros_initializer
from .ops import constant
from .variables import Variable


class _ScopeState:
    def __init__(self):
        self.names = []
        self.reuse = []


_scope = _ScopeState()


class _AutoReuse:
    """tf.AUTO_REUSE: get_variable returns the variable if it exists and creates it if not."""

    def __repr__(self):
        return "tf.AUTO_REUSE"


AUTO_REUSE = _AutoReuse()


@contextlib.contextmanager
def variable_scope(name, reuse=None):
    graph = get_default_graph()
    _scope.names.append(name)
    parent = _scope.reuse[-1] if _scope.reuse else False
    _scope.reuse.append(reuse if reuse is AUTO_REUSE else (parent if parent is AUTO_REUSE and not reuse
                                                           else bool(reuse) or bool(parent)))
    try:
        with graph.name_scope(name):
            yield name
    finally:
        _scope.names.pop()
        _scope.reuse.pop()


def get_variable(name, shape=None, dtype=_dt.float32, initializer=None, trainable=True):
    """The variable `scope/name`: created on first use, returned again when the scope reuses it."""
    graph = get_default_graph()
    full = "/".join(_scope.names + [name])
    existing = {v.name: v for v in graph.variables}
    reuse = _scope.reuse[-1] if _scope.reuse else False
    if full in existing:
        if reuse is AUTO_REUSE:
            return existing[full]
        if not reuse:
            raise InvalidArgumentError(f"Variable {full} already exists; use tf.variable_scope(..., reuse=True) to "
                                       "share it")
        return existing[full]
    if reuse and reuse is not AUTO_REUSE:
        raise InvalidArgumentError(f"Variable {full} does not exist, but the scope is set to reuse variables")
    if initializer is None:
        if shape is None:
            raise InvalidArgumentError(f"get_variable('{full}') needs a shape or an initializer")
        init = (glorot_uniform_initializer() if _dt.to_dtype(dtype).is_floating_point else zeros_initializer())(
            tuple(shape), dtype=dtype)
    elif callable(initializer):
        init = initializer(tuple(shape), dtype=dtype)
    else:
        init = constant(initializer, dtype=dtype)
    saved = graph.scope
    graph.scope = []  # the variable's name is its full scope path, not nested again
    try:
        var = Variable(init, trainable=trainable, name=full, dtype=dtype)
    finally:
        graph.scope = saved
    return var
