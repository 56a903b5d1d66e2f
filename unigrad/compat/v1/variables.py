"""tf.Variable: a named, persistent value in the graph, set by its initializer and assign ops."""
import numpy as np

from ...core.grad_mode import no_grad
from ...core.tensor import Tensor as EagerTensor
from ...core.trace_hook import state as _trace
from ...nn.parameter import Parameter
from ...ops import api as F
from ...backend import dtypes as _dt
from ...errors import InvalidArgumentError
from .graph import FailedPreconditionError, GraphKeys, Operation, Tensor, get_default_graph
from .ops import cast, convert_to_tensor

GLOBAL_VARIABLES, TRAINABLE_VARIABLES = GraphKeys.GLOBAL_VARIABLES, GraphKeys.TRAINABLE_VARIABLES


class Variable(Tensor):
    """tf.Variable: a value that persists across Session.run calls, set by its initializer (and
    by assign ops and optimizers). In `collections` (default: GLOBAL_VARIABLES) and, when
    trainable, TRAINABLE_VARIABLES."""

    def __init__(self, initial_value=None, trainable=True, collections=None, validate_shape=True,
                 caching_device=None, name="Variable", variable_def=None, dtype=None, expected_shape=None,
                 import_scope=None, constraint=None, use_resource=None, **unused):
        if initial_value is None:
            raise InvalidArgumentError("tf.Variable needs an initial_value")
        if callable(initial_value) and not isinstance(initial_value, Tensor):
            initial_value = initial_value()
        init = convert_to_tensor(initial_value, dtype=dtype)
        if dtype is not None and init.dtype is not _dt.to_dtype(dtype):
            init = cast(init, dtype)
        super().__init__("variable", [], self._read, name or "Variable", dtype or init.dtype, init._shape)
        self.initial_value, self.trainable = init, trainable
        self.storage = None
        self.initializer = Operation([init], self._initialize, self.name + "/Assign", initializer=True)
        graph = get_default_graph()
        graph.variables.append(self)
        for key in (collections if collections is not None else [GLOBAL_VARIABLES]):
            graph.add_to_collection(key, self)
        if trainable and TRAINABLE_VARIABLES not in (collections or ()):
            graph.add_to_collection(TRAINABLE_VARIABLES, self)

    def _read(self):
        if self.storage is None:
            raise FailedPreconditionError(f"Attempting to use uninitialized value {self.name} (created at "
                                          f"{self.site}); run tf.global_variables_initializer() first")
        return self.storage

    def _initialize(self, value):
        with no_grad():
            data = value.detach().to(dtype=self.dtype)._data.copy()
            if self.storage is None or tuple(self.storage.shape) != tuple(data.shape):
                self.storage = Parameter(EagerTensor(data), requires_grad=self.trainable and self.dtype.is_floating_point)
            else:
                self.storage.copy_(EagerTensor(data))
        return None

    def _assign_op(self, value, combine, name):
        value = convert_to_tensor(value, dtype=self.dtype)

        def fn(var, v):
            with no_grad():
                var.copy_(combine(var, v).detach())
            return var.detach()
        return Tensor("assign", [self, value], fn, self.name + "/" + name, self.dtype, self._shape)

    def assign(self, value, name=None):
        return self._assign_op(value, lambda var, v: v, "Assign")

    def assign_add(self, delta, name=None):
        return self._assign_op(delta, F.add, "AssignAdd")

    def assign_sub(self, delta, name=None):
        return self._assign_op(delta, F.sub, "AssignSub")

    def read_value(self):
        return self

    def value(self):
        return self

    def eval(self, session=None):
        from .session import _default_session
        return (session or _default_session()).run(self)

    def __repr__(self):
        return f"<tf.Variable '{self.name}:0' shape={self.shape} dtype={self.dtype.name}>"


def assign(ref, value, name=None):
    return ref.assign(value, name)


def assign_add(ref, value, name=None):
    return ref.assign_add(value, name)


def assign_sub(ref, value, name=None):
    return ref.assign_sub(value, name)


def local_variables():
    return get_default_graph().get_collection(GraphKeys.LOCAL_VARIABLES)


def local_variables_initializer():
    """Initializes the variables of the LOCAL_VARIABLES collection."""
    return variables_initializer(local_variables(), "init_1")


def global_variables(graph=None):
    return (graph or get_default_graph()).get_collection(GLOBAL_VARIABLES)


def trainable_variables(graph=None):
    return (graph or get_default_graph()).get_collection(TRAINABLE_VARIABLES)


def variables_initializer(var_list, name="init"):
    return Operation([v.initializer for v in var_list], lambda *_: None, name, initializer=True)


def global_variables_initializer():
    return variables_initializer(global_variables(), "init")


initialize_all_variables = global_variables_initializer


def make_slot(like):
    """A persistent zero tensor shaped like a variable's storage (optimizer accumulators)."""
    slot = EagerTensor(np.zeros(tuple(like.shape), dtype=like.dtype.np)) if like.device.type == "cpu" else \
        F.zeros_like(like.detach())
    _trace.tracer.make_live(slot)
    return slot
