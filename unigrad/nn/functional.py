"""ug.nn.functional: the functional ops under PyTorch's torch.nn.functional names."""
# ruff: noqa: F401
from ..ops.api import (adaptive_avg_pool2d, avg_pool2d, batch_norm, binary_cross_entropy,
                       binary_cross_entropy_with_logits, conv1d, conv2d, conv_transpose2d, cross_entropy, dropout, elu,
                       embedding, gelu, group_norm, hardtanh, huber_loss, l1_loss, layer_norm, leaky_relu, linear,
                       local_response_norm, log_softmax, max_pool2d, mse_loss, nll_loss, one_hot, pad, relu, relu6,
                       sigmoid, silu, smooth_l1_loss, softmax, softplus, tanh)
