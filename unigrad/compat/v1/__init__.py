"""TensorFlow 1 graph API over unigrad: `import unigrad.compat.v1 as tf`.

Graphs are built from deferred ops; Session.run evaluates the fetched subgraph with the feeds,
tracing it once per fetch set and feed signature into a unigrad graph that the compiler
optimises and the executor runs. Gradients (tf.gradients, optimizers) come from the op
registry's backward rules, so they are ordinary graph nodes.
"""
# ruff: noqa: F401
from ...backend.dtypes import bool_ as bool, float16, float32, float64, int32, int64, uint8
from . import layers, losses, nn, train
from .clip_ops import clip_by_global_norm, clip_by_norm, global_norm
from .control_flow import cond, while_loop
from .control import group, no_op
from .graph import (FailedPreconditionError, Graph, GraphKeys, Operation, Tensor, TensorShape, add_to_collection,
                    control_dependencies, get_collection, get_default_graph, name_scope, reset_default_graph)
from .math_ops import count_nonzero, logical_and, logical_not, logical_or, rank, reduce_logsumexp, size
from .math_ops import range as range_
from .ops import (abs, add, argmax, cast, clip_by_value, concat, constant, convert_to_tensor, divide, equal, exp,
                  fill, greater, greater_equal, identity, less, less_equal, log, matmul, maximum, minimum, multiply,
                  negative, not_equal, ones, ones_like, pow, random_normal, random_uniform, reduce_max, reduce_mean,
                  reduce_min, reduce_prod, reduce_sum, reshape, rsqrt, sigmoid, sign, sqrt, square, squared_difference,
                  stack, stop_gradient, subtract, tanh, transpose, truediv, truncated_normal, where, zeros, zeros_like)
from .ops import argmin, expand_dims, gather, one_hot, reduce_all, reduce_any, split, squeeze, tile
from .ops import shape_of as shape
from .ops import slice as slice_  # noqa: F401
from .initializers import (constant_initializer, glorot_normal_initializer, glorot_uniform_initializer,
                           he_normal_initializer, ones_initializer, random_normal_initializer,
                           random_uniform_initializer, truncated_normal_initializer, variance_scaling_initializer,
                           zeros_initializer)
from .variable_scope import AUTO_REUSE, get_variable, variable_scope
from .session import InteractiveSession, Session, placeholder
from .train import gradients
from .variables import (Variable, assign, assign_add, assign_sub, global_variables, global_variables_initializer,
                        initialize_all_variables, local_variables_initializer, trainable_variables,
                        variables_initializer)

random = type("random", (), {"uniform": staticmethod(random_uniform), "normal": staticmethod(random_normal)})

globals()["slice"] = slice_  # tf.slice (assigned this way so the builtin stays usable in this module)
globals()["range"] = range_  # tf.range, likewise


def set_random_seed(seed):
    """tf.set_random_seed: seeds unigrad's generator (graph-level seeding)."""
    from ...core.random import manual_seed
    manual_seed(int(seed))


math = type("math", (), {name: staticmethod(fn) for name, fn in {
    "log": log, "exp": exp, "sqrt": sqrt, "abs": abs, "square": square, "tanh": tanh, "sigmoid": sigmoid,
    "reduce_sum": reduce_sum, "reduce_mean": reduce_mean, "reduce_max": reduce_max, "reduce_min": reduce_min,
    "reduce_logsumexp": reduce_logsumexp, "maximum": maximum, "minimum": minimum, "equal": equal,
    "argmax": argmax, "logical_and": logical_and, "logical_or": logical_or, "logical_not": logical_not,
    "count_nonzero": count_nonzero, "rsqrt": rsqrt, "sign": sign, "pow": pow, "negative": negative}.items()})
