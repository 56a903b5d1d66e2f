"""tf.nn: activations, losses, convolution and pooling with TF's layouts and padding rules."""
from ...errors import InvalidArgumentError
from ...ops import api as F
from .factories import op_generator, seeded_dropout
from .graph import Tensor
from .not_covered import module_getattr
from .ops import convert_to_tensor, elementwise_node, subtract

relu = lambda features, name=None: elementwise_node(features, F.relu, name or "Relu")  # noqa: E731
sigmoid = lambda x, name=None: elementwise_node(x, F.sigmoid, name or "Sigmoid")  # noqa: E731
tanh = lambda x, name=None: elementwise_node(x, F.tanh, name or "Tanh")  # noqa: E731
elu = lambda features, name=None: elementwise_node(features, F.elu, name or "Elu")  # noqa: E731
softplus = lambda features, name=None: elementwise_node(features, F.softplus, name or "Softplus")  # noqa: E731
relu6 = lambda features, name=None: elementwise_node(features, F.relu6, name or "Relu6")  # noqa: E731


def leaky_relu(features, alpha=0.2, name=None):
    return elementwise_node(features, lambda v: F.leaky_relu(v, alpha), name or "LeakyRelu")


def softmax(logits, axis=None, name=None, dim=None):
    axis = -1 if axis is None and dim is None else (axis if axis is not None else dim)
    return elementwise_node(logits, lambda v: F.softmax(v, axis), name or "Softmax")


def log_softmax(logits, axis=None, name=None, dim=None):
    axis = -1 if axis is None and dim is None else (axis if axis is not None else dim)
    return elementwise_node(logits, lambda v: F.log_softmax(v, axis), name or "LogSoftmax")


def softmax_cross_entropy_with_logits(labels=None, logits=None, dim=-1, name=None, axis=None):
    labels, logits = convert_to_tensor(labels), convert_to_tensor(logits)
    axis = dim if axis is None else axis
    return Tensor("op", [labels, logits], lambda y, z: F.neg(F.sum(F.mul(y, F.log_softmax(z, axis)), dim=axis)),
                  name or "softmax_cross_entropy_with_logits", logits.dtype)


softmax_cross_entropy_with_logits_v2 = softmax_cross_entropy_with_logits


def sparse_softmax_cross_entropy_with_logits(labels=None, logits=None, name=None):
    labels, logits = convert_to_tensor(labels), convert_to_tensor(logits)
    return Tensor("op", [labels, logits],
                  lambda y, z: F.cross_entropy(z, F.to_dtype(y, "int64"), reduction="none"),
                  name or "SparseSoftmaxCrossEntropyWithLogits", logits.dtype)


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    labels, logits = convert_to_tensor(labels), convert_to_tensor(logits)
    return Tensor("op", [labels, logits],
                  lambda y, z: F.binary_cross_entropy_with_logits(z, y, reduction="none"),
                  name or "logistic_loss", logits.dtype)


def bias_add(value, bias, data_format="NHWC", name=None):
    value, bias = convert_to_tensor(value), convert_to_tensor(bias)

    def fn(v, b):
        if data_format == "NCHW" and v.ndim > 2:
            return F.add(v, F.reshape(b, (-1,) + (1,) * (v.ndim - 2)))
        return F.add(v, b)
    return Tensor("op", [value, bias], fn, name or "BiasAdd", value.dtype)


def dropout(x, keep_prob=None, noise_shape=None, seed=None, name=None, rate=None):
    """Zero each element with probability 1 - keep_prob (or `rate`), scale the rest by 1/keep_prob;
    keep_prob may be a Tensor (a placeholder fed 0.5 in training and 1.0 in evaluation)."""
    x = convert_to_tensor(x)
    if keep_prob is None and rate is None:
        raise InvalidArgumentError("tf.nn.dropout needs keep_prob or rate")
    given = rate if rate is not None else keep_prob
    gen = op_generator(seed)
    if isinstance(given, Tensor):
        keep = given if rate is None else subtract(1.0, given)

        def fn(v, k):
            k = F.to_dtype(k, v.dtype)
            return seeded_dropout(v, k, gen)
        return Tensor("random", [x, keep], fn, name or "dropout", x.dtype)
    p = rate if rate is not None else 1.0 - keep_prob
    if gen is not None:  # the op's own stream (a graph or op seed applies)
        return Tensor("random", [x], lambda v: seeded_dropout(v, 1.0 - p, gen), name or "dropout", x.dtype)
    return Tensor("random", [x], lambda v: F.dropout(v, p, True), name or "dropout", x.dtype)


def _same_pads(size, k, s, d=1):
    out = -(-size // s)
    total = max((out - 1) * s + (k - 1) * d + 1 - size, 0)
    return total // 2, total - total // 2


def _spatial(v, data_format):
    return (v.shape[1], v.shape[2]) if data_format == "NHWC" else (v.shape[2], v.shape[3])


def _to_nchw(v, data_format):
    return F.permute(v, (0, 3, 1, 2)) if data_format == "NHWC" else v


def _from_nchw(v, data_format):
    return F.permute(v, (0, 2, 3, 1)) if data_format == "NHWC" else v


def _hw(values, data_format, name):
    if len(values) != 4:
        raise InvalidArgumentError(f"{name}: expected 4 values (one per dim), got {values}")
    return (values[1], values[2]) if data_format == "NHWC" else (values[2], values[3])


def _padded(x, padding, kernel, stride, dilation=(1, 1)):
    """x is NCHW; TF's SAME may pad one more on the bottom/right."""
    if padding == "VALID":
        return x
    if padding != "SAME":
        raise InvalidArgumentError(f"padding must be 'SAME' or 'VALID', got {padding!r}")
    (t, b) = _same_pads(x.shape[2], kernel[0], stride[0], dilation[0])
    (l, r) = _same_pads(x.shape[3], kernel[1], stride[1], dilation[1])
    return F.pad(x, (l, r, t, b)) if (t or b or l or r) else x


def conv2d(input, filter=None, strides=None, padding=None, use_cudnn_on_gpu=True, data_format="NHWC",
           dilations=(1, 1, 1, 1), name=None, filters=None):
    x, w = convert_to_tensor(input), convert_to_tensor(filter if filter is not None else filters)
    stride = _hw(strides, data_format, "conv2d strides")
    dil = _hw(dilations, data_format, "conv2d dilations")

    def fn(v, k):
        nchw = _to_nchw(v, data_format)
        weight = F.permute(k, (3, 2, 0, 1))  # TF filters are HWIO, unigrad's OIHW
        nchw = _padded(nchw, padding, (k.shape[0], k.shape[1]), stride, dil)
        return _from_nchw(F.conv2d(nchw, weight, None, stride, 0, dil), data_format)
    return Tensor("op", [x, w], fn, name or "Conv2D", x.dtype)


def _pool(kind):
    def op(value, ksize, strides, padding, data_format="NHWC", name=None):
        x = convert_to_tensor(value)
        k = _hw(ksize, data_format, f"{kind} ksize")
        s = _hw(strides, data_format, f"{kind} strides")

        def fn(v):
            nchw = _to_nchw(v, data_format)
            if kind == "max_pool":
                out = F.max_pool2d(_padded_for_max(nchw, padding, k, s), k, s)
            else:
                out = _avg_same(nchw, padding, k, s)
            return _from_nchw(out, data_format)
        return Tensor("op", [x], fn, name or ("MaxPool" if kind == "max_pool" else "AvgPool"), x.dtype)
    return op


def _padded_for_max(x, padding, k, s):
    if padding == "VALID":
        return x
    (t, b), (l, r) = _same_pads(x.shape[2], k[0], s[0]), _same_pads(x.shape[3], k[1], s[1])
    return F.pad(x, (l, r, t, b), value=float("-inf")) if (t or b or l or r) else x


def _avg_same(x, padding, k, s):
    if padding == "VALID":
        return F.avg_pool2d(x, k, s)
    (t, b), (l, r) = _same_pads(x.shape[2], k[0], s[0]), _same_pads(x.shape[3], k[1], s[1])
    total = F.avg_pool2d(F.pad(x, (l, r, t, b)), k, s, divisor_override=1)
    ones = F.pad(F.ones((1, 1) + tuple(x.shape[2:]), dtype=x.dtype, device=x.device), (l, r, t, b))
    return F.div(total, F.avg_pool2d(ones, k, s, divisor_override=1))  # TF averages real elements only


max_pool = _pool("max_pool")
avg_pool = _pool("avg_pool")


def l2_loss(t, name=None):
    x = convert_to_tensor(t)
    return Tensor("op", [x], lambda v: F.div(F.sum(F.mul(v, v)), 2.0), name or "L2Loss", x.dtype)


def embedding_lookup(params, ids, name=None):
    from .ops import gather
    return gather(params, ids, 0, name or "embedding_lookup")


def moments(x, axes, keepdims=False, name=None):
    """(mean, variance) over `axes`, the population variance as in TF."""
    x = convert_to_tensor(x)
    axes = tuple(axes)
    mean = Tensor("op", [x], lambda v: F.mean(v, dim=axes, keepdim=keepdims), (name or "moments") + "/mean", x.dtype)
    var = Tensor("op", [x], lambda v: F.var(v, dim=axes, keepdim=keepdims, correction=0),
                 (name or "moments") + "/variance", x.dtype)
    return mean, var


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """(x - mean) / sqrt(variance + eps) * scale + offset, with None for a missing offset/scale."""
    parts = [convert_to_tensor(t) for t in (x, mean, variance)]
    extra = [convert_to_tensor(t) for t in (offset, scale) if t is not None]
    has_offset, has_scale = offset is not None, scale is not None

    def fn(v, m, var, *rest):
        out = F.mul(F.sub(v, m), F.rsqrt(F.add(var, variance_epsilon)))
        rest = list(rest)
        off = rest.pop(0) if has_offset else None
        if has_scale:
            out = F.mul(out, rest.pop(0))
        return F.add(out, off) if off is not None else out
    return Tensor("op", parts + extra, fn, name or "batchnorm", parts[0].dtype)


def in_top_k(predictions, targets, k, name=None):
    """Whether each target's prediction is among the k largest of its row (ties at the k-th value
    count as in, as in TF); a row with a non-finite target prediction is False."""
    p, t = convert_to_tensor(predictions), convert_to_tensor(targets)

    def fn(pv, tv):
        target = F.gather(pv, 1, F.unsqueeze(F.to_dtype(tv, "int64"), 1))
        above = F.sum(F.to_dtype(F.gt(pv, target), "int64"), dim=1)
        return F.logical_and(F.lt(above, k), F.reshape(F.isfinite(target), (-1,)))
    return Tensor("op", [p, t], fn, name or "InTopKV2", "bool", None if t._shape is None else t._shape)


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """x / sqrt(max(sum(x**2, axis), epsilon))."""
    axes = axis if axis is not None else dim
    dims = tuple(axes) if isinstance(axes, (list, tuple)) else axes
    return elementwise_node(x, lambda v: F.mul(v, F.rsqrt(F.clamp(F.sum(F.mul(v, v), dim=dims, keepdim=True),
                                                                  min=epsilon))), name or "l2_normalize")


def xw_plus_b(x, weights, biases, name=None):
    from .ops import matmul
    return bias_add(matmul(x, weights), biases, name=name or "xw_plus_b")


def weighted_cross_entropy_with_logits(targets=None, logits=None, pos_weight=1.0, name=None, labels=None):
    """TF's formula: (1 - z) * x + (1 + (q - 1) * z) * (log(1 + exp(-|x|)) + max(-x, 0))."""
    z, x = convert_to_tensor(labels if labels is not None else targets), convert_to_tensor(logits)

    def fn(zv, xv):
        log_weight = F.add(F.mul(F.sub(pos_weight, 1.0), zv), 1.0)
        softplus_neg = F.add(F.log(F.add(F.exp(F.neg(F.abs(xv))), 1.0)), F.relu(F.neg(xv)))
        return F.add(F.mul(F.rsub(zv, 1.0), xv), F.mul(log_weight, softplus_neg))
    return Tensor("op", [z, x], fn, name or "logistic_loss", x.dtype)


def local_response_normalization(input, depth_radius=5, bias=1.0, alpha=1.0, beta=0.5, name=None):
    """TF's LRN over the last (channel) axis of NHWC input: x / (bias + alpha * sqr_sum) ** beta,
    sqr_sum over the 2 * depth_radius + 1 channels around each one."""
    size = 2 * depth_radius + 1

    def fn(v):  # the registry's LRN averages over `size` channels (alpha / size): undo that
        nchw = F.permute(v, (0, 3, 1, 2))
        return F.permute(F.local_response_norm(nchw, size, alpha * size, beta, bias), (0, 2, 3, 1))
    return elementwise_node(input, fn, name or "LRN")


lrn = local_response_normalization
from .conv_transpose import conv2d_transpose  # noqa: E402,F401  (tf.nn.conv2d_transpose)

from . import rnn_cell  # noqa: E402,F401  (tf.nn.rnn_cell)
from .rnn import (bidirectional_dynamic_rnn, dynamic_rnn, static_bidirectional_rnn, static_rnn,  # noqa: E402,F401
                  reverse_sequence)
__getattr__ = module_getattr("tf.nn", lambda: list(globals()))
