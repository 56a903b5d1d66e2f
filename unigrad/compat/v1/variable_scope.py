"""tf.get_variable / tf.variable_scope: variables shared by name, as TF1 layer code expects.

As in TF1, a scope's default name (`tf.layers.dense` without a name, `variable_scope(None,
default_name="dense")`) is made unique among the scopes opened so far *inside the current
variable scope*, and leaving a named scope forgets the scopes opened in it: a second pass
through `with tf.variable_scope("D", reuse=True)` names its layers `D/dense`, `D/dense_1`, ...
again, so it finds the variables of the first pass.
"""
import contextlib

from ...backend import dtypes as _dt
from ...errors import InvalidArgumentError
from .graph import GraphKeys, get_default_graph
from .initializers import glorot_uniform_initializer, zeros_initializer
from .ops import constant
from .variables import Variable


class _AutoReuse:
    """tf.AUTO_REUSE: get_variable returns the variable if it exists and creates it if not."""

    def __repr__(self):
        return "tf.AUTO_REUSE"


AUTO_REUSE = _AutoReuse()


class VariableScope:
    """What get_variable reads: the scope's name, whether it reuses variables, and the defaults
    (initializer, regularizer, dtype) its variables get."""

    def __init__(self, reuse, name="", initializer=None, regularizer=None, dtype=_dt.float32, name_scope=""):
        self.name, self.reuse, self.initializer, self.regularizer = name, reuse, initializer, regularizer
        self.dtype, self.original_name_scope = _dt.to_dtype(dtype), name_scope

    def reuse_variables(self):
        """Reuse variables from now on in this scope (`tf.get_variable_scope().reuse_variables()`)."""
        self.reuse = True

    def set_initializer(self, initializer):
        self.initializer = initializer

    def get_variable(self, name, *args, **kwargs):
        return get_variable(name, *args, **kwargs)

    def __repr__(self):
        return f"<tf.VariableScope '{self.name}' reuse={self.reuse}>"


class _Store:
    """Per graph: the stack of open variable scopes and how often each scope name was opened."""

    def __init__(self):
        self.stack = [VariableScope(False)]
        self.counts = {}


def _store():
    graph = get_default_graph()
    store = getattr(graph, "variable_scopes", None)
    if store is None:
        store = graph.variable_scopes = _Store()
    return store


def get_variable_scope():
    return _store().stack[-1]


def _unique_default(store, prefix):
    """`prefix`, or `prefix_1`, `prefix_2`, ...: the first not yet opened in the current scope."""
    current = store.stack[-1].name
    full = f"{current}/{prefix}" if current else prefix
    if not store.counts.get(full):
        return prefix
    k = 1
    while store.counts.get(f"{full}_{k}"):
        k += 1
    return f"{prefix}_{k}"


@contextlib.contextmanager
def variable_scope(name_or_scope=None, default_name=None, values=None, initializer=None, regularizer=None,
                   reuse=None, dtype=None, auxiliary_name_scope=True, custom_getter=None, **unused):
    """Open a variable scope (and a name scope for the ops made in it); yields its VariableScope."""
    store = _store()
    parent = store.stack[-1]
    if name_or_scope is None and default_name is None:
        raise InvalidArgumentError("tf.variable_scope needs a name_or_scope or a default_name")
    if name_or_scope is None and reuse is True:
        raise InvalidArgumentError("tf.variable_scope: reuse=True cannot be used without a name_or_scope")
    captured = isinstance(name_or_scope, VariableScope)
    if captured:
        full, relative = name_or_scope.name, name_or_scope.name.split("/")[-1]
        inherited = name_or_scope.reuse
    else:
        relative = name_or_scope if name_or_scope is not None else _unique_default(store, default_name)
        full = f"{parent.name}/{relative}" if parent.name else relative
        inherited = parent.reuse
    if reuse is AUTO_REUSE or (reuse is None and inherited is AUTO_REUSE):
        new_reuse = AUTO_REUSE
    else:
        new_reuse = bool(reuse) or (bool(inherited) and inherited is not AUTO_REUSE)
    base = name_or_scope if captured else parent
    scope = VariableScope(new_reuse, full, initializer if initializer is not None else base.initializer,
                          regularizer if regularizer is not None else base.regularizer,
                          dtype if dtype is not None else base.dtype)
    store.counts[full] = store.counts.get(full, 0) + 1
    saved_counts = dict(store.counts) if captured else None
    graph = get_default_graph()
    names = graph.name_scope(relative) if auxiliary_name_scope else contextlib.nullcontext("/".join(graph.scope))
    store.stack.append(scope)
    try:
        with names as ns:
            scope.original_name_scope = ns
            yield scope
    finally:
        store.stack.pop()
        if captured:
            store.counts = saved_counts
        else:  # the scopes opened inside are forgotten: entering it again names them the same
            for key in store.counts:
                if key.startswith(full + "/"):
                    store.counts[key] = 0


def get_variable(name, shape=None, dtype=None, initializer=None, regularizer=None, trainable=True,
                 collections=None, caching_device=None, partitioner=None, validate_shape=True, use_resource=None,
                 custom_getter=None, constraint=None, **unused):
    """The variable `scope/name`: created on first use, returned again when the scope reuses it."""
    graph = get_default_graph()
    scope = get_variable_scope()
    full = f"{scope.name}/{name}" if scope.name else name
    existing = next((v for v in graph.variables if v.name == full), None)
    reuse = scope.reuse
    if existing is not None:
        if not reuse:
            raise InvalidArgumentError(f"Variable {full} already exists, disallowed (it was created at "
                                       f"{existing.site}). Did you mean to set reuse=True or reuse=tf.AUTO_REUSE "
                                       "in its variable_scope?")
        if shape is not None and existing._shape is not None and tuple(shape) != existing._shape:
            raise InvalidArgumentError(f"Trying to share variable {full}, but the shape {list(shape)} asked for is "
                                       f"not the shape {list(existing._shape)} it was created with")
        return existing
    if reuse and reuse is not AUTO_REUSE:
        raise InvalidArgumentError(f"Variable {full} does not exist, or was not created with tf.get_variable(); "
                                   "its scope is set to reuse variables. Did you mean to set reuse=tf.AUTO_REUSE "
                                   "in its variable_scope?")
    if partitioner is not None:
        raise InvalidArgumentError(f"get_variable('{full}'): partitioned variables are not covered by unigrad")
    dtype = _dt.to_dtype(dtype if dtype is not None else scope.dtype)
    initializer = initializer if initializer is not None else scope.initializer
    if initializer is None:
        if shape is None:
            raise InvalidArgumentError(f"get_variable('{full}') needs a shape or an initializer")
        initializer = glorot_uniform_initializer() if dtype.is_floating_point else zeros_initializer()
    if callable(initializer):
        if shape is None:
            raise InvalidArgumentError(f"get_variable('{full}'): an initializer function needs a shape")
        init = initializer(tuple(int(d) for d in shape), dtype=dtype)
    else:
        init = constant(initializer, dtype=dtype)
    saved = graph.scope
    graph.scope = []  # the variable's name is its full scope path, not nested again
    try:
        var = Variable(init, trainable=trainable, name=full, dtype=dtype, collections=collections)
    finally:
        graph.scope = saved
    regularizer = regularizer if regularizer is not None else scope.regularizer
    if regularizer is not None:
        penalty = regularizer(var)
        if penalty is not None:
            graph.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, penalty)
    return var
