"""tf.contrib: the parts TF1 programs use most, `tf.contrib.rnn` (the cells and static RNNs) and
`tf.contrib.layers` (flatten, xavier_initializer, fully_connected); `from tensorflow.contrib import
rnn` becomes `from unigrad.compat.v1.contrib import rnn`."""
from ..not_covered import module_getattr
from . import layers, rnn  # noqa: F401

__getattr__ = module_getattr("tf.contrib", lambda: list(globals()))
