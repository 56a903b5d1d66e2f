"""TensorFlow 1 graph API over unigrad: `import unigrad.compat.v1 as tf`.

Graphs are built from deferred ops; Session.run evaluates the fetched subgraph with the feeds,
tracing it once per fetch set and feed signature into a unigrad graph that the compiler
optimises and the executor runs. Gradients (tf.gradients, optimizers) come from the op
registry's backward rules, so they are ordinary graph nodes. A TF1 name that is not covered
raises NotCoveredError (an AttributeError) saying so; docs/tf1.md lists what is covered.
"""
# ruff: noqa: F401
from ...backend.dtypes import (bool_ as bool, float16, float32, float64, int8, int16, int32, int64, uint8,
                               to_dtype as as_dtype)
from . import layers, losses, nn, train
from .clip_ops import clip_by_global_norm, clip_by_norm, global_norm
from .control import group, no_op
from .control_flow import cond, while_loop
from .factories import (fill, get_seed, ones, ones_like, random_normal, random_shuffle, random_uniform,
                        set_random_seed, truncated_normal, zeros, zeros_like)
from .graph import (FailedPreconditionError, Graph, GraphKeys, Operation, Tensor, add_to_collection,
                    control_dependencies, get_collection, get_collection_ref, get_default_graph, name_scope,
                    reset_default_graph)
from .initializers import (constant_initializer, glorot_normal_initializer, glorot_uniform_initializer,
                           he_normal_initializer, he_uniform_initializer, ones_initializer, random_normal_initializer,
                           random_uniform_initializer, truncated_normal_initializer, variance_scaling_initializer,
                           xavier_initializer, zeros_initializer)
from .math_ops import count_nonzero, logical_and, logical_not, logical_or, logical_xor, rank, reduce_logsumexp, size
from .math_ops import range as range_
from .not_covered import Namespace, NotCoveredError, module_getattr
from .ops import (abs, add, argmax, argmin, cast, clip_by_value, concat, constant, convert_to_tensor, divide, equal,
                  exp, expand_dims, floordiv, floormod, gather, greater, greater_equal, identity, less, less_equal, log, matmul, maximum,
                  minimum, mod, multiply, negative, not_equal, one_hot, pow, reduce_all, reduce_any, reduce_max,
                  reduce_mean, reduce_min, reduce_prod, reduce_sum, reshape, rsqrt, sigmoid, sign, split, sqrt, square,
                  squared_difference, squeeze, stack, stop_gradient, subtract, tanh, tile, to_double, to_float, to_int32,
                  to_int64, transpose, truediv, unstack, where)
from .ops import shape_of as shape
from .ops import slice as slice_
from .session import (ConfigProto, GPUOptions, InteractiveSession, Session, device, placeholder,
                      placeholder_with_default)
from .tensor_shape import Dimension, TensorShape
from .train import gradients
from .variable_scope import AUTO_REUSE, VariableScope, get_variable, get_variable_scope, variable_scope
from .variables import (Variable, assign, assign_add, assign_sub, global_variables, global_variables_initializer,
                        initialize_all_variables, local_variables, local_variables_initializer, trainable_variables,
                        variables_initializer)

globals()["slice"] = slice_  # tf.slice (assigned this way so the builtin stays usable in this module)
globals()["range"] = range_  # tf.range, likewise
newaxis = None
double, half = float64, float16

random = Namespace("tf.random", uniform=random_uniform, normal=random_normal, truncated_normal=truncated_normal,
                   shuffle=random_shuffle, set_random_seed=set_random_seed)
math = Namespace("tf.math", **{name: fn for name, fn in {
    "log": log, "exp": exp, "sqrt": sqrt, "abs": abs, "square": square, "tanh": tanh, "sigmoid": sigmoid,
    "reduce_sum": reduce_sum, "reduce_mean": reduce_mean, "reduce_max": reduce_max, "reduce_min": reduce_min,
    "reduce_prod": reduce_prod, "reduce_logsumexp": reduce_logsumexp, "reduce_all": reduce_all,
    "reduce_any": reduce_any, "maximum": maximum, "minimum": minimum, "equal": equal, "not_equal": not_equal,
    "less": less, "greater": greater, "less_equal": less_equal, "greater_equal": greater_equal, "add": add,
    "subtract": subtract, "multiply": multiply, "divide": divide, "truediv": truediv, "argmax": argmax,
    "argmin": argmin, "logical_and": logical_and, "logical_or": logical_or, "logical_not": logical_not,
    "count_nonzero": count_nonzero, "rsqrt": rsqrt, "sign": sign, "pow": pow, "negative": negative,
    "squared_difference": squared_difference, "in_top_k": nn.in_top_k, "l2_normalize": nn.l2_normalize,
    "softplus": nn.softplus}.items()})
initializers = Namespace("tf.initializers", zeros=zeros_initializer, ones=ones_initializer,
                         constant=constant_initializer, random_normal=random_normal_initializer,
                         random_uniform=random_uniform_initializer, truncated_normal=truncated_normal_initializer,
                         variance_scaling=variance_scaling_initializer, glorot_uniform=glorot_uniform_initializer,
                         glorot_normal=glorot_normal_initializer, he_normal=he_normal_initializer,
                         he_uniform=he_uniform_initializer, global_variables=global_variables_initializer,
                         local_variables=local_variables_initializer, variables=variables_initializer)

reverse_sequence = nn.reverse_sequence
from . import contrib  # noqa: E402

from . import errors, image
from .data import _namespace as _data_namespace
from .platform import gfile, logging

data = _data_namespace()
# tf.summary needs tensorboardX and tf.app/tf.flags absl-py: loaded when first used
_LAZY = {"summary": ".summary", "Summary": ".summary", "app": ".app", "flags": ".app"}
_missing = module_getattr("tf", lambda: list(globals()) + list(_LAZY))


def __getattr__(name):
    if name in _LAZY:
        import importlib
        module = importlib.import_module(_LAZY[name], __name__)
        value = module if name in ("summary", "app") else getattr(module, name)
        globals()[name] = value
        return value
    return _missing(name)
