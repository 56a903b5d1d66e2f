"""tf.losses: the common TF1 losses, mean-reduced over the batch (weights as a scalar)."""
from . import nn
from .graph import add_to_collection
from .not_covered import module_getattr
from .ops import convert_to_tensor, multiply, reduce_mean, square, subtract


def _reduce(per_example, weights, loss_collection):
    loss = reduce_mean(multiply(per_example, convert_to_tensor(weights, dtype=per_example.dtype)))
    if loss_collection is not None:
        add_to_collection(loss_collection, loss)
    return loss


def mean_squared_error(labels, predictions, weights=1.0, scope=None, loss_collection="losses"):
    return _reduce(square(subtract(predictions, labels)), weights, loss_collection)


def absolute_difference(labels, predictions, weights=1.0, scope=None, loss_collection="losses"):
    from .ops import abs as tf_abs
    return _reduce(tf_abs(subtract(predictions, labels)), weights, loss_collection)


def softmax_cross_entropy(onehot_labels, logits, weights=1.0, scope=None, loss_collection="losses"):
    return _reduce(nn.softmax_cross_entropy_with_logits(labels=onehot_labels, logits=logits), weights,
                   loss_collection)


def sparse_softmax_cross_entropy(labels, logits, weights=1.0, scope=None, loss_collection="losses"):
    return _reduce(nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits), weights,
                   loss_collection)


def sigmoid_cross_entropy(multi_class_labels, logits, weights=1.0, scope=None, loss_collection="losses"):
    labels = convert_to_tensor(multi_class_labels, dtype=logits.dtype)
    return _reduce(nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits), weights, loss_collection)


def get_losses(scope=None, loss_collection="losses"):
    from .graph import get_collection
    return get_collection(loss_collection, scope)

__getattr__ = module_getattr("tf.losses", lambda: list(globals()))
