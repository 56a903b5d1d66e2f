"""tf.layers: the dense and conv2d layers TF1 models are usually written with."""
from ...errors import InvalidArgumentError
from .nn import bias_add, conv2d as nn_conv2d
from .ops import matmul
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
