"""tf.contrib.rnn: TF1's RNN cells and static (bidirectional) RNNs."""
# ruff: noqa: F401
from ..not_covered import module_getattr
from ..rnn import static_bidirectional_rnn, static_rnn
from ..rnn_cell import (BasicLSTMCell, BasicRNNCell, DeviceWrapper, DropoutWrapper, GRUCell, LSTMCell, LSTMStateTuple,
                        MultiRNNCell, ResidualWrapper, RNNCell)

LSTMBlockCell = LSTMCell  # the fused kernel of LSTMCell's formulas (variables named lstm_cell, as LSTMCell's)

__getattr__ = module_getattr("tf.contrib.rnn", lambda: list(globals()))
