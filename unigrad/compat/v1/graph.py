"""TF1 graph objects: Graph, symbolic Tensor, Operation, names and name scopes.

A TF1 Tensor here is a deferred expression: an evaluation function over the values of its
inputs. Nothing runs until Session.run, which evaluates the fetched subgraph with the feeds and
compiles it through the same tracer and executor as ug.jit.
"""
import contextlib
import threading

from ...backend import dtypes as _dt
from ...errors import InvalidArgumentError, InvalidTypeError, UnigradError, user_frame
from . import static_shape
from .tensor_shape import TensorShape, as_dims


class FailedPreconditionError(UnigradError, RuntimeError):
    """Like TensorFlow's: e.g. a variable read before its initializer ran."""


class Graph:
    def __init__(self):
        self.names = {}
        self.scope = []
        self.variables = []
        self.placeholders = []
        self.collections = {}
        self.control_stack = []   # lists of ops from enclosing tf.control_dependencies blocks
        self.recording = None     # a list collecting the nodes created (a tf.cond branch being built)
        self.nodes = []           # every node, in creation order (the graph TensorBoard draws)
        self.seed = None          # tf.set_random_seed's graph-level seed (TF keeps it on the graph)

    def unique_name(self, base):
        base = "/".join(self.scope + [base])
        n = self.names.get(base, 0)
        self.names[base] = n + 1
        return base if n == 0 else f"{base}_{n}"

    @contextlib.contextmanager
    def as_default(self):
        _state.stack.append(self)
        try:
            yield self
        finally:
            _state.stack.pop()

    @contextlib.contextmanager
    def name_scope(self, name):
        """Ops made inside are named `scope/op`. As in TF, opening a scope name again opens a new
        scope (`a_1`); a name ending in '/' re-enters that exact scope; None (or '') the top."""
        saved = self.scope
        if not name:
            self.scope = []
        elif name.endswith("/"):
            self.scope = [p for p in name[:-1].split("/") if p]
        else:
            self.scope = self.unique_name(name).split("/")
        try:
            yield "/".join(self.scope) + "/" if self.scope else ""
        finally:
            self.scope = saved

    @contextlib.contextmanager
    def control_dependencies(self, control_inputs):
        """Ops created inside run only after `control_inputs` (None clears the enclosing ones)."""
        saved = self.control_stack
        self.control_stack = [] if control_inputs is None else saved + [list(control_inputs)]
        try:
            yield
        finally:
            self.control_stack = saved

    def get_collection(self, key, scope=None):
        items = list(self.collections.get(key, []))
        return [i for i in items if getattr(i, "name", "").startswith(scope)] if scope else items

    def get_collection_ref(self, key):
        return self.collections.setdefault(key, [])

    def get_operations(self):
        return [n for n in self.nodes if n.is_operation or n.kind != "variable"]

    def get_tensor_by_name(self, name):
        """The tensor called `name` ('scope/op:0', or without ':0')."""
        base = name[:-2] if name.endswith(":0") else name
        for node in self.nodes:
            if node.name == base and not node.is_operation:
                return node
        raise InvalidArgumentError(f"The name '{name}' refers to a Tensor which does not exist in this graph")

    def get_operation_by_name(self, name):
        for node in self.nodes:
            if node.name == name:
                return node
        raise InvalidArgumentError(f"The name '{name}' refers to an Operation not in the graph")

    def as_graph_def(self, from_version=None, add_shapes=False):
        """The graph as a TensorBoard GraphDef protobuf (needs tensorboardX)."""
        from .summary import graph_def_of
        return graph_def_of(self)

    def finalize(self):
        self.finalized = True

    def add_to_collection(self, key, value):
        self.collections.setdefault(key, []).append(value)


class _State(threading.local):
    def __init__(self):
        self.stack = []
        self.default = Graph()


_state = _State()


def get_default_graph():
    return _state.stack[-1] if _state.stack else _state.default


def reset_default_graph():
    _state.default = Graph()


def control_dependencies(control_inputs):
    return get_default_graph().control_dependencies(control_inputs)


class GraphKeys:
    """The standard collection names (TF's own strings, so collections made by name match)."""
    GLOBAL_VARIABLES = VARIABLES = "variables"
    TRAINABLE_VARIABLES = "trainable_variables"
    LOCAL_VARIABLES = "local_variables"
    MODEL_VARIABLES = "model_variables"
    MOVING_AVERAGE_VARIABLES = "moving_average_variables"
    UPDATE_OPS = "update_ops"
    LOSSES = "losses"
    REGULARIZATION_LOSSES = "regularization_losses"
    GLOBAL_STEP = "global_step"
    SUMMARIES = "summaries"
    TRAIN_OP = "train_op"
    INIT_OP = "init_op"
    ACTIVATIONS = "activations"


def get_collection(key, scope=None):
    return get_default_graph().get_collection(key, scope)


def get_collection_ref(key):
    return get_default_graph().get_collection_ref(key)


def add_to_collection(name, value):
    get_default_graph().add_to_collection(name, value)


def name_scope(name, default_name=None, values=None):
    """tf.name_scope: `with tf.name_scope("layer1") as scope:` names the ops made inside
    `layer1/...` (`scope` is "layer1/")."""
    return get_default_graph().name_scope(name if name is not None else default_name)


class Node:
    """Something Session.run can fetch: a Tensor (has a value) or an Operation (runs for effect)."""
    is_operation = False
    meta = (None, None)  # its value in each static-shape probe (static_shape.py): None for an Operation

    def __init__(self, kind, inputs, fn, name, graph=None):
        self.graph = graph or get_default_graph()
        deps = [d for block in self.graph.control_stack for d in block]
        if deps and kind not in ("placeholder", "variable", "constant"):
            n = len(inputs)  # the dependencies are evaluated first; fn sees only its own inputs
            fn = (lambda *values, _fn=fn, _n=n: _fn(*values[:_n]))
            inputs = list(inputs) + deps
        self.kind, self.inputs, self.fn = kind, list(inputs), fn
        if self.graph.recording is not None:
            self.graph.recording.append(self)
        self.graph.nodes.append(self)
        self.name = self.graph.unique_name(name)
        self.site = user_frame()


INFER = object()  # a Tensor's shape default: inferred from the op registry's shape rules


class Tensor(Node):
    """A symbolic value: `fn(*input_values)` computes it from its inputs' values. Its static
    shape (None dimensions unknown) is given, for placeholders, constants and variables, or
    inferred by running fn on the meta device (static_shape.py). `const_value` is its value
    when the graph already knows it (small int shapes: tf.shape of a known shape, a constant),
    None dimensions unknown, so shapes given as tensors keep what is known statically."""
    const_value = None
    __array_ufunc__ = None  # NumPy operands defer to the Tensor's reflected operators (np.float32(2) * x)

    def __init__(self, kind, inputs, fn, name, dtype, shape=INFER, graph=None):
        super().__init__(kind, inputs, fn, name, graph)
        self.dtype = _dt.to_dtype(dtype)
        if shape is INFER:
            shape, self.meta = static_shape.infer(self.fn, self.inputs)
        else:
            shape = as_dims(shape)
            self.meta = static_shape.meta_values(shape, self.dtype)
        self._shape = shape  # a tuple of ints and None, or None for an unknown rank

    @property
    def shape(self):
        """The static shape, a tf.TensorShape (`x.shape[1].value`, `x.shape.as_list()`)."""
        return TensorShape(self._shape)

    @property
    def op_name(self):
        return self.name

    @property
    def op(self):
        return self

    @property
    def value_index(self):
        return 0

    def get_shape(self):
        return TensorShape(self._shape)

    def set_shape(self, shape):
        """Narrow the static shape (TF's set_shape): unknown dimensions may become known."""
        merged = TensorShape(self._shape).merge_with(shape)
        self._shape = merged.dims_or_none()
        self.meta = static_shape.meta_values(self._shape, self.dtype)

    def __repr__(self):
        return f"<tf.Tensor '{self.name}:0' shape={TensorShape(self._shape)} dtype={self.dtype.name}>"

    def __hash__(self):
        return id(self)

    def __bool__(self):
        raise InvalidArgumentError("a symbolic Tensor has no truth value; use tf.cond or run it in a Session")

    def __iter__(self):
        raise InvalidTypeError(f"Tensor objects are only iterable when eager execution is enabled, and graph "
                               f"Tensor '{self.name}:0' (shape {TensorShape(self._shape)}) is a symbolic value: "
                               "to get its pieces as tensors use tf.unstack(x) or tf.split(x, n); to get its "
                               "values, run it in a Session")

    def __len__(self):
        raise InvalidTypeError(f"len is not well defined for symbolic Tensor '{self.name}:0': use x.shape[0] "
                               "(static, may be None) or tf.shape(x)[0] (at run time)")

    def __array__(self, dtype=None, copy=None):
        raise InvalidTypeError(f"cannot convert symbolic Tensor '{self.name}:0' to a NumPy array: run it in a "
                               "Session (sess.run(x)) to get its value")

    # operators are attached in ops.py


class Operation(Node):
    """Runs for its effects (assign, train step, initializer); fetching it gives None."""
    is_operation = True

    def __init__(self, inputs, fn, name, graph=None, initializer=False):
        super().__init__("op", inputs, fn, name, graph)
        self.initializer = initializer

    def __repr__(self):
        return f"<tf.Operation '{self.name}'>"
