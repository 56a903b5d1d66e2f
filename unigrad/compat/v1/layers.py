"""tf.layers: the dense, convolution, pooling, dropout and batch-normalization layers TF1 models
are written with. Each layer opens a variable scope named `name` or, by default, its kind made
unique in the current variable scope (`dense`, `dense_1`, ...), as TF1's layers do, so building
a model twice under `variable_scope(..., reuse=True)` finds the variables of the first pass."""
from ...errors import InvalidArgumentError
from ...ops import api as F
from . import nn as tf_nn
from .conv_transpose import conv2d_transpose as nn_conv2d_transpose
from .graph import GraphKeys, Tensor, add_to_collection
from .initializers import ones_initializer, zeros_initializer
from .not_covered import module_getattr
from .ops import convert_to_tensor, matmul, reshape
from .variable_scope import get_variable, variable_scope


def _scope(name, kind, reuse):
    """The layer's variable scope: `name`, or `kind` made unique in the current scope (with
    reuse=True and no name, `kind` itself, as TF1 does)."""
    if name is None and reuse:
        return variable_scope(kind, reuse=reuse)
    return variable_scope(name, default_name=kind, reuse=reuse)


def _float(inputs):
    """The dtype of a layer's variables: its input's, when floating point (as TF's layers)."""
    return inputs.dtype if inputs.dtype.is_floating_point else "float32"


def _pair(value, what):
    if isinstance(value, int):
        return value, value
    if len(value) != 2:
        raise InvalidArgumentError(f"{what}: expected an int or 2 values, got {value}")
    return tuple(int(v) for v in value)


def _channels(inputs, data_format, layer):
    axis = -1 if data_format == "channels_last" else 1
    if inputs._shape is None or len(inputs._shape) != 4 or inputs._shape[axis] is None:
        raise InvalidArgumentError(f"tf.layers.{layer} needs 4-D inputs whose channel dimension is known "
                                   f"({data_format}), got shape {inputs.shape}")
    return inputs._shape[axis]


def _bias_and_activation(out, filters, use_bias, bias_initializer, activation, data_format="NHWC", trainable=True):
    if use_bias:
        bias = get_variable("bias", [filters], initializer=bias_initializer or zeros_initializer(),
                            trainable=trainable, dtype=out.dtype)
        out = tf_nn.bias_add(out, bias, data_format=data_format)
    return activation(out) if activation is not None else out


def dense(inputs, units, activation=None, use_bias=True, kernel_initializer=None, bias_initializer=None,
          kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
          bias_constraint=None, trainable=True, name=None, reuse=None):
    """inputs @ kernel (+ bias), with variables `name/kernel` [in, units] and `name/bias`."""
    inputs = convert_to_tensor(inputs)
    if inputs._shape is None or inputs._shape[-1] is None:
        raise InvalidArgumentError(f"tf.layers.dense needs inputs whose last dimension is known, got shape "
                                   f"{inputs.shape}")
    with _scope(name, "dense", reuse):
        kernel = get_variable("kernel", [inputs._shape[-1], units], initializer=kernel_initializer,
                              regularizer=kernel_regularizer, trainable=trainable, dtype=_float(inputs))
        if len(inputs._shape) > 2:  # TF applies the kernel to the last dimension
            out = Tensor("op", [inputs, kernel], F.matmul, "Tensordot", inputs.dtype)
        else:
            out = matmul(inputs, kernel)
        out = _bias_and_activation(out, units, use_bias, bias_initializer, activation, trainable=trainable)
    return out


def conv2d(inputs, filters, kernel_size, strides=(1, 1), padding="valid", data_format="channels_last",
           dilation_rate=(1, 1), activation=None, use_bias=True, kernel_initializer=None, bias_initializer=None,
           kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
           bias_constraint=None, trainable=True, name=None, reuse=None):
    """2-D convolution with variables `name/kernel` [kh, kw, in, filters] and `name/bias`."""
    inputs = convert_to_tensor(inputs)
    (kh, kw), (sh, sw) = _pair(kernel_size, "kernel_size"), _pair(strides, "strides")
    dh, dw = _pair(dilation_rate, "dilation_rate")
    channels = _channels(inputs, data_format, "conv2d")
    fmt = "NHWC" if data_format == "channels_last" else "NCHW"
    with _scope(name, "conv2d", reuse):
        kernel = get_variable("kernel", [kh, kw, channels, filters], initializer=kernel_initializer,
                              regularizer=kernel_regularizer, trainable=trainable, dtype=_float(inputs))
        step = [1, sh, sw, 1] if fmt == "NHWC" else [1, 1, sh, sw]
        dil = [1, dh, dw, 1] if fmt == "NHWC" else [1, 1, dh, dw]
        out = tf_nn.conv2d(inputs, kernel, step, padding.upper(), data_format=fmt, dilations=dil)
        out = _bias_and_activation(out, filters, use_bias, bias_initializer, activation, fmt, trainable)
    return out


def conv2d_transpose(inputs, filters, kernel_size, strides=(1, 1), padding="valid", data_format="channels_last",
                     activation=None, use_bias=True, kernel_initializer=None, bias_initializer=None,
                     kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                     kernel_constraint=None, bias_constraint=None, trainable=True, name=None, reuse=None):
    """The transpose of conv2d: variables `name/kernel` [kh, kw, filters, in] and `name/bias`;
    each spatial size becomes size * stride (SAME) or size * stride + max(kernel - stride, 0) (VALID)."""
    inputs = convert_to_tensor(inputs)
    (kh, kw), (sh, sw) = _pair(kernel_size, "kernel_size"), _pair(strides, "strides")
    channels = _channels(inputs, data_format, "conv2d_transpose")
    nhwc = data_format == "channels_last"
    fmt = "NHWC" if nhwc else "NCHW"
    h_axis, w_axis = (1, 2) if nhwc else (2, 3)

    def out_size(size, k, s):
        if size is None:
            return None
        return size * s if padding.lower() == "same" else size * s + max(k - s, 0)
    from .ops import shape_of, stack
    height, width = out_size(inputs._shape[h_axis], kh, sh), out_size(inputs._shape[w_axis], kw, sw)
    if height is None or width is None:
        raise InvalidArgumentError("tf.layers.conv2d_transpose needs inputs whose height and width are known, "
                                   f"got shape {inputs.shape}")
    batch = inputs._shape[0] if inputs._shape[0] is not None else shape_of(inputs)[0]
    output_shape = [batch, height, width, filters] if nhwc else [batch, filters, height, width]
    if isinstance(batch, Tensor):
        output_shape = stack(output_shape)
    with _scope(name, "conv2d_transpose", reuse):
        kernel = get_variable("kernel", [kh, kw, filters, channels], initializer=kernel_initializer,
                              regularizer=kernel_regularizer, trainable=trainable, dtype=_float(inputs))
        step = [1, sh, sw, 1] if nhwc else [1, 1, sh, sw]
        out = nn_conv2d_transpose(inputs, kernel, output_shape, step, padding.upper(), data_format=fmt)
        out = _bias_and_activation(out, filters, use_bias, bias_initializer, activation, fmt, trainable)
    return out


def max_pooling2d(inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None):
    return _pooling(tf_nn.max_pool, inputs, pool_size, strides, padding, data_format, name)


def average_pooling2d(inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None):
    return _pooling(tf_nn.avg_pool, inputs, pool_size, strides, padding, data_format, name)


def _pooling(pool, inputs, pool_size, strides, padding, data_format, name):
    (kh, kw), (sh, sw) = _pair(pool_size, "pool_size"), _pair(strides, "strides")
    nhwc = data_format == "channels_last"
    window = [1, kh, kw, 1] if nhwc else [1, 1, kh, kw]
    step = [1, sh, sw, 1] if nhwc else [1, 1, sh, sw]
    return pool(inputs, window, step, padding.upper(), "NHWC" if nhwc else "NCHW", name)


def flatten(inputs, name=None, data_format="channels_last"):
    """(batch, everything else): the trailing dimensions must be known."""
    inputs = convert_to_tensor(inputs)
    if inputs._shape is None or any(d is None for d in inputs._shape[1:]):
        raise InvalidArgumentError(f"tf.layers.flatten needs inputs whose dimensions after the first are known, "
                                   f"got shape {inputs.shape}")
    size = 1
    for d in inputs._shape[1:]:
        size *= d
    return reshape(inputs, [-1, size], name=name)


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None):
    """Dropout while `training` (a Python bool or a bool tensor; tf.layers' default is off, unlike
    tf.nn.dropout's)."""
    if isinstance(training, Tensor):
        dropped = tf_nn.dropout(inputs, rate=rate, seed=seed, name=name)
        x = convert_to_tensor(inputs)
        return Tensor("op", [training, dropped, x], lambda t, d, v: F.where(F.to_dtype(t, "bool"), d, v),
                      name or "dropout", x.dtype, x._shape)
    return tf_nn.dropout(inputs, rate=rate, seed=seed, name=name) if training else inputs


def _broadcast_shape(ndim, axis):
    return tuple(-1 if i == axis else 1 for i in range(ndim))


def batch_normalization(inputs, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                        beta_initializer=None, gamma_initializer=None, moving_mean_initializer=None,
                        moving_variance_initializer=None, beta_regularizer=None, gamma_regularizer=None,
                        beta_constraint=None, gamma_constraint=None, training=False, trainable=True, name=None,
                        reuse=None, renorm=False, renorm_clipping=None, renorm_momentum=0.99, fused=None,
                        virtual_batch_size=None, adjustment=None):
    """Batch normalization with variables `name/gamma`, `name/beta`, `name/moving_mean` and
    `name/moving_variance`. While `training` (a Python bool or a bool tensor) it normalizes with the
    batch's statistics and puts the moving averages' updates, moving -= (moving - batch) *
    (1 - momentum), in tf.GraphKeys.UPDATE_OPS, which the training op must depend on (as in TF1:
    `with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS))`). As TF1's fused
    kernel does for 4-D inputs, the moving variance is updated with the batch variance corrected
    by n / (n - 1); other inputs (and fused=False) use the batch's own variance."""
    x = convert_to_tensor(inputs)
    if x._shape is None:
        raise InvalidArgumentError("tf.layers.batch_normalization needs inputs of known rank")
    ndim = len(x._shape)
    ax = axis % ndim if isinstance(axis, int) else None
    if ax is None or x._shape[ax] is None:
        raise InvalidArgumentError(f"tf.layers.batch_normalization: axis {axis} of shape {x.shape} must be one "
                                   "known dimension")
    channels = x._shape[ax]
    reduce_axes = tuple(i for i in range(ndim) if i != ax)
    bshape = _broadcast_shape(ndim, ax)
    bessel = ndim == 4 and fused is not False
    with _scope(name, "batch_normalization", reuse):
        gamma = get_variable("gamma", [channels], initializer=gamma_initializer or ones_initializer(),
                             regularizer=gamma_regularizer, trainable=trainable, dtype=_float(x)) if scale else None
        beta = get_variable("beta", [channels], initializer=beta_initializer or zeros_initializer(),
                            regularizer=beta_regularizer, trainable=trainable, dtype=_float(x)) if center else None
        moving_mean = get_variable("moving_mean", [channels], initializer=moving_mean_initializer or
                                   zeros_initializer(), trainable=False, dtype=_float(x))
        moving_var = get_variable("moving_variance", [channels], initializer=moving_variance_initializer or
                                  ones_initializer(), trainable=False, dtype=_float(x))
        for var in (moving_mean, moving_var):
            add_to_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, var)
        params = [p for p in (gamma, beta) if p is not None]

        def normalize(v, mean, var, *gb):
            out = F.mul(F.sub(v, F.reshape(mean, bshape)), F.rsqrt(F.add(F.reshape(var, bshape), epsilon)))
            gb = list(gb)
            if gamma is not None:
                out = F.mul(out, F.reshape(gb.pop(0), bshape))
            return F.add(out, F.reshape(gb.pop(0), bshape)) if beta is not None else out
        if training is False or training is None:
            return Tensor("op", [x, moving_mean, moving_var] + params, normalize, "batchnorm", x.dtype, x._shape)
        mean = Tensor("op", [x], lambda v: F.mean(v, dim=reduce_axes), "moments/mean", x.dtype, (channels,))
        var = Tensor("op", [x], lambda v: F.var(v, dim=reduce_axes, correction=0), "moments/variance", x.dtype,
                     (channels,))
        flag = [training] if isinstance(training, Tensor) else []

        def pick(on, off, *t):  # the batch's statistics while training, the moving ones otherwise
            return F.where(F.to_dtype(t[0], "bool"), on, off) if t else on

        def train_output(v, m, s, mm, mv, *rest):
            gb, t = rest[:len(params)], rest[len(params):]
            return normalize(v, pick(m, mm, *t), pick(s, mv, *t), *gb)
        out = Tensor("op", [x, mean, var, moving_mean, moving_var] + params + flag, train_output, "batchnorm",
                     x.dtype, x._shape)
        decay = 1.0 - momentum

        def mean_delta(moving, batch, *t):
            return F.mul(F.sub(moving, batch), F.where(F.to_dtype(t[0], "bool"), decay, 0.0) if t else decay)

        def var_delta(moving, batch, v, *t):
            if bessel:
                n = v.numel() // channels
                batch = F.mul(batch, n / max(n - 1, 1))
            return mean_delta(moving, batch, *t)
        update_mean = moving_mean.assign_sub(Tensor("op", [moving_mean, mean] + flag, mean_delta, "mean_delta",
                                                    x.dtype, (channels,)))
        update_var = moving_var.assign_sub(Tensor("op", [moving_var, var, x] + flag, var_delta, "variance_delta",
                                                  x.dtype, (channels,)))
        add_to_collection(GraphKeys.UPDATE_OPS, update_mean)
        add_to_collection(GraphKeys.UPDATE_OPS, update_var)
    return out


__getattr__ = module_getattr("tf.layers", lambda: list(globals()))
