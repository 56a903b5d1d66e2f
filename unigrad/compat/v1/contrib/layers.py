"""tf.contrib.layers: flatten, fully_connected and the initializers TF1 programs take from it."""
# ruff: noqa: F401
from ....errors import InvalidArgumentError
from .. import layers as _layers
from ..initializers import variance_scaling_initializer, xavier_initializer, zeros_initializer
from ..nn import relu
from ..not_covered import module_getattr

xavier_initializer_conv2d = xavier_initializer


def flatten(inputs, outputs_collections=None, scope=None):
    return _layers.flatten(inputs)


def fully_connected(inputs, num_outputs, activation_fn=relu, normalizer_fn=None, normalizer_params=None,
                    weights_initializer=None, weights_regularizer=None, biases_initializer=zeros_initializer(),
                    biases_regularizer=None, reuse=None, variables_collections=None, outputs_collections=None,
                    trainable=True, scope=None):
    """A dense layer (variables `scope/weights`, `scope/biases`, default scope `fully_connected`),
    ReLU by default, as tf.contrib.layers has it."""
    from ..variable_scope import get_variable, variable_scope
    from ..ops import convert_to_tensor, matmul
    from ..nn import bias_add
    x = convert_to_tensor(inputs)
    if x._shape is None or x._shape[-1] is None:
        raise InvalidArgumentError(f"fully_connected needs inputs whose last dimension is known, got {x.shape}")
    with variable_scope(scope, default_name="fully_connected", reuse=reuse):
        weights = get_variable("weights", [x._shape[-1], num_outputs], initializer=weights_initializer or
                               xavier_initializer(), regularizer=weights_regularizer, trainable=trainable)
        out = matmul(x, weights)
        if normalizer_fn is not None:
            out = normalizer_fn(out, **(normalizer_params or {}))
        elif biases_initializer is not None:
            out = bias_add(out, get_variable("biases", [num_outputs], initializer=biases_initializer,
                                             regularizer=biases_regularizer, trainable=trainable))
        return activation_fn(out) if activation_fn is not None else out


__getattr__ = module_getattr("tf.contrib.layers", lambda: list(globals()))
