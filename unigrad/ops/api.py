"""Every public op function in one namespace. Op files import this module as `F` and call
F.<op> inside backward rules, resolved at call time, so the families can refer to each other."""
# ruff: noqa: F401
from .factory.full import full, full_like, ones, ones_like, zeros, zeros_like
from .factory.empty import empty, empty_like
from .factory.arange import arange
from .factory.linspace import linspace
from .factory.eye import eye
from .random.uniform import rand, rand_like
from .random.normal import randn, randn_like
from .random.randint import randint, randint_like
from .random.randperm import randperm
from .random.bernoulli import bernoulli
from .spec import broadcast_shapes_of
from .movement.broadcast import broadcast_to, sum_to
from .elementwise.cast import to_dtype
from .elementwise.scaled_add import axpby
from .elementwise.arithmetic import add, div, divide, mul, multiply, neg, negative, pow, sub, subtract, true_divide
from .elementwise.math import (abs, ceil, cos, exp, floor, floor_divide, log, remainder, round, rsqrt, sign, sin,
                               sqrt, square, trunc)
from .elementwise.compare import (clamp, clip, eq, ge, gt, isnan, le, logical_and, logical_not, logical_or, lt,
                                  maximum, minimum, ne, where)
from .activation.pointwise import erf, leaky_relu, relu, sigmoid, tanh
from .activation.composite import elu, gelu, hardtanh, relu6, silu, softplus
from .reduce.sum_mean import mean, sum
from .reduce.minmax import amax, amin, argmax, argmin, max, min
from .reduce.stats import all, any, logsumexp, prod, std, var, var_mean
from .movement.shape import flatten, movedim, permute, reshape, squeeze, t, transpose, unflatten, unsqueeze, view
from .movement.indexing import gather, getitem, index_put, index_select, masked_fill, one_hot, scatter_add
from .movement.copy import clone, contiguous, repeat, to_device
from .movement.join import cat, chunk, concat, flip, pad, split, stack, unbind
from .linalg.matmul import bmm, linear, matmul, mm
from .conv.im2col import col2im, im2col
from .conv.max_pool import max_pool2d_values, max_pool2d_windows, window_scatter, window_select
from .conv.conv import conv1d, conv2d, conv_transpose2d
from .conv.pool import adaptive_avg_pool2d, avg_pool2d, local_response_norm, max_pool2d
from .nn.softmax import log_softmax, softmax
from .nn.normalization import batch_norm, group_norm, layer_norm
from .nn.dropout_embedding import dropout, embedding
from .loss.cross_entropy_index import cross_entropy_index, cross_entropy_index_grad
from .loss.cross_entropy_fused import cross_entropy_index_with_grad
from .loss.losses import (binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, huber_loss,
                          l1_loss, mse_loss, nll_loss, smooth_l1_loss)


def rsub(input, other):
    """other - input (for `2 - x`)."""
    return sub(other, input)


def isfinite(input):
    return logical_not(logical_or(isnan(input), eq(abs(input), float("inf"))))
