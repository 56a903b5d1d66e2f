"""The ug.<name> namespace of op functions. Registering an op binds its public function here
(ops/bindings.py); op files import this module as `F` and call F.<op> inside backward rules,
resolved at call time, so the families can refer to each other."""
__all__ = []

# ---- transitional: the hand-written imports below go as the families move to variants ----
try:
    from .factory.full import full, full_like, ones, ones_like, zeros, zeros_like
except ImportError:
    pass
try:
    from .factory.empty import empty, empty_like
except ImportError:
    pass
try:
    from .factory.arange import arange
except ImportError:
    pass
try:
    from .factory.linspace import linspace
except ImportError:
    pass
try:
    from .factory.eye import eye
except ImportError:
    pass
try:
    from .random.uniform import rand, rand_like
except ImportError:
    pass
try:
    from .random.normal import randn, randn_like
except ImportError:
    pass
try:
    from .random.randint import randint, randint_like
except ImportError:
    pass
try:
    from .random.randperm import randperm
except ImportError:
    pass
try:
    from .random.bernoulli import bernoulli
except ImportError:
    pass
try:
    from .spec import broadcast_shapes_of
except ImportError:
    pass
try:
    from .movement.broadcast import broadcast_to, sum_to
except ImportError:
    pass
try:
    from .elementwise.cast import to_dtype
except ImportError:
    pass
try:
    from .elementwise.scaled_add import axpby
except ImportError:
    pass
try:
    from .elementwise.arithmetic import add, div, divide, mul, multiply, neg, negative, pow, sub, subtract, true_divide
except ImportError:
    pass
try:
    from .elementwise.math import (abs, ceil, cos, exp, floor, floor_divide, log, remainder, round, rsqrt, sign, sin,
                                   sqrt, square, trunc)
except ImportError:
    pass
try:
    from .elementwise.compare import (clamp, clip, eq, ge, gt, isnan, le, logical_and, logical_not, logical_or, lt,
                                      maximum, minimum, ne, where)
except ImportError:
    pass
try:
    from .activation.pointwise import erf, leaky_relu, relu, sigmoid, tanh
except ImportError:
    pass
try:
    from .activation.composite import elu, gelu, hardtanh, relu6, silu, softplus
except ImportError:
    pass
try:
    from .reduce.sum_mean import mean, sum
except ImportError:
    pass
try:
    from .reduce.minmax import amax, amin, argmax, argmin, max, min
except ImportError:
    pass
try:
    from .reduce.stats import all, any, logsumexp, prod, std, var, var_mean
except ImportError:
    pass
try:
    from .movement.shape import flatten, movedim, permute, reshape, squeeze, t, transpose, unflatten, unsqueeze, view
except ImportError:
    pass
try:
    from .movement.indexing import gather, getitem, index_put, index_select, masked_fill, one_hot, scatter_add
except ImportError:
    pass
try:
    from .movement.copy import clone, contiguous, repeat, to_device
except ImportError:
    pass
try:
    from .movement.join import cat, chunk, concat, flip, pad, split, stack, unbind
except ImportError:
    pass
try:
    from .linalg.matmul import bmm, linear, matmul, mm
except ImportError:
    pass
try:
    from .conv.im2col import col2im, im2col
except ImportError:
    pass
try:
    from .conv.max_pool import max_pool2d_values, max_pool2d_windows, window_scatter, window_select
except ImportError:
    pass
try:
    from .conv.conv import conv1d, conv2d, conv_transpose2d
except ImportError:
    pass
try:
    from .conv.pool import adaptive_avg_pool2d, avg_pool2d, local_response_norm, max_pool2d
except ImportError:
    pass
try:
    from .nn.softmax import log_softmax, softmax
except ImportError:
    pass
try:
    from .nn.normalization import batch_norm, group_norm, layer_norm
except ImportError:
    pass
try:
    from .nn.dropout_embedding import dropout, embedding
except ImportError:
    pass
try:
    from .loss.cross_entropy_index import cross_entropy_index, cross_entropy_index_grad
except ImportError:
    pass
try:
    from .loss.cross_entropy_fused import cross_entropy_index_with_grad
except ImportError:
    pass
try:
    from .loss.losses import (binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, huber_loss,
                              l1_loss, mse_loss, nll_loss, smooth_l1_loss)
except ImportError:
    pass


def rsub(input, other):
    """other - input (for `2 - x`)."""
    return sub(other, input)


def isfinite(input):
    return logical_not(logical_or(isnan(input), eq(abs(input), float("inf"))))


__all__ += [_n for _n in list(globals()) if not _n.startswith("_") and _n not in __all__]  # noqa: PLE0605
