"""tf.layers: the dense and conv2d layers TF1 models are usually written with."""
from ...errors import InvalidArgumentError
from .nn import avg_pool, bias_add, conv2d as nn_conv2d, dropout as nn_dropout, max_pool
from .ops import matmul, reshape
from .initializers import zeros_initializer
from .variable_scope import get_variable, variable_scope
from .graph import get_default_graph


def _layer_name(name, kind):
    return name or get_default_graph().unique_name(kind).split("/")[-1]


def dense(inputs, units, activation=None, use_bias=True, name=None, reuse=None):
    """inputs @ kernel (+ bias), with variables `name/kernel` and `name/bias`."""
    if inputs.shape is None or inputs.shape[-1] is None:
        raise InvalidArgumentError("tf.layers.dense needs inputs whose last dimension is known")
    with variable_scope(_layer_name(name, "dense"), reuse=reuse):
        kernel = get_variable("kernel", [inputs.shape[-1], units])
        out = matmul(inputs, kernel)
        if use_bias:
            out = bias_add(out, get_variable("bias", [units], initializer=zeros_initializer()))
    return activation(out) if activation is not None else out


def conv2d(inputs, filters, kernel_size, strides=(1, 1), padding="valid", activation=None, use_bias=True,
           name=None, reuse=None):
    """NHWC convolution with variables `name/kernel` (HWIO) and `name/bias`."""
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    sh, sw = (strides, strides) if isinstance(strides, int) else strides
    if inputs.shape is None or inputs.shape[-1] is None:
        raise InvalidArgumentError("tf.layers.conv2d needs NHWC inputs whose channel dimension is known")
    with variable_scope(_layer_name(name, "conv2d"), reuse=reuse):
        kernel = get_variable("kernel", [kh, kw, inputs.shape[-1], filters])
        out = nn_conv2d(inputs, kernel, [1, sh, sw, 1], padding.upper())
        if use_bias:
            out = bias_add(out, get_variable("bias", [filters], initializer=zeros_initializer()))
    return activation(out) if activation is not None else out


def max_pooling2d(inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None):
    return _pooling(max_pool, inputs, pool_size, strides, padding, data_format, name)


def average_pooling2d(inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None):
    return _pooling(avg_pool, inputs, pool_size, strides, padding, data_format, name)


def _pooling(pool, inputs, pool_size, strides, padding, data_format, name):
    kh, kw = (pool_size, pool_size) if isinstance(pool_size, int) else pool_size
    sh, sw = (strides, strides) if isinstance(strides, int) else strides
    nhwc = data_format == "channels_last"
    window = [1, kh, kw, 1] if nhwc else [1, 1, kh, kw]
    step = [1, sh, sw, 1] if nhwc else [1, 1, sh, sw]
    return pool(inputs, window, step, padding.upper(), "NHWC" if nhwc else "NCHW", name)


def flatten(inputs, name=None):
    """(batch, everything else): the trailing dimensions must be known."""
    if inputs.shape is None or any(d is None for d in inputs.shape[1:]):
        raise InvalidArgumentError("tf.layers.flatten needs inputs whose dimensions after the first are known")
    size = 1
    for d in inputs.shape[1:]:
        size *= d
    return reshape(inputs, [-1, size], name=name)


def dropout(inputs, rate=0.5, training=False, name=None):
    """Dropout when `training` (a Python bool): tf.layers' default is off, unlike tf.nn.dropout."""
    return nn_dropout(inputs, rate=rate, name=name) if training else inputs
