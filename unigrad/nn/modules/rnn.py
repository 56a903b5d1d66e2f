"""RNN, LSTM, GRU and their cells, with PyTorch's arguments, parameter names and results.

Each layer and direction runs as one fused op over the whole sequence (ops/recurrent/), with a
fused backward through time; a cell is that op over one step."""
import math
import warnings

from ...core.tensor import Tensor
from ...errors import DtypeError, InvalidArgumentError, InvalidTypeError, ShapeError
from ...ops import api as F
from ...ops.recurrent.gru_layer import gru_layer
from ...ops.recurrent.lstm_layer import lstm_layer
from ...ops.recurrent.lstm_proj_layer import lstm_proj_layer
from ...ops.recurrent.rnn_layer import rnn_layer
from .. import init
from ..parameter import Parameter
from ..utils.rnn import PackedSequence, packed_from_padded, padded_from_packed
from .module import Module

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


def _same_dtype(name, what, tensor, like):
    """The fused layer ops take one dtype throughout (NumPy would silently promote a mix)."""
    if tensor.dtype != like.dtype:
        raise DtypeError(f"{name}: {what} must have the type {like.dtype}, got type {tensor.dtype}; convert it with "
                         f".to({like.dtype}) or the module with .to(dtype)")


def _reset_uniform(module):
    """Every parameter ~ U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as PyTorch initialises
    its recurrent layers and cells."""
    bound = 1.0 / math.sqrt(module.hidden_size) if module.hidden_size > 0 else 0
    for p in module.parameters():
        init.uniform_(p, -bound, bound)


class RNNBase(Module):
    """What RNN, LSTM and GRU share: the parameters of every layer and direction, under
    PyTorch's names (``weight_ih_l{k}``, ``weight_hh_l{k}``, ``bias_ih_l{k}``, ``bias_hh_l{k}``,
    ``_reverse`` for the backward direction), so state_dicts port both ways, and the forward
    over padded or packed batches.

    Shape:
        - Input and output: as :class:`RNN`, :class:`LSTM` and :class:`GRU` give them.
    """

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        if mode not in _GATES:
            raise InvalidArgumentError(f"unknown recurrent mode {mode!r}; expected one of {sorted(_GATES)}")
        for arg, value in (("input_size", input_size), ("hidden_size", hidden_size), ("num_layers", num_layers)):
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise InvalidArgumentError(f"{self._name(mode)}: {arg} must be a positive int, got {value!r}")
        if not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise InvalidArgumentError(f"{self._name(mode)}: dropout must be a number in [0, 1], got {dropout!r}")
        if not isinstance(proj_size, int) or isinstance(proj_size, bool) or proj_size < 0:
            raise InvalidArgumentError(f"{self._name(mode)}: proj_size should be a positive integer or zero to "
                                       f"disable projections, got {proj_size!r}")
        if proj_size and mode != "LSTM":
            raise InvalidArgumentError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if proj_size >= hidden_size:
            raise InvalidArgumentError(f"{self._name(mode)}: proj_size has to be smaller than hidden_size, got "
                                       f"proj_size={proj_size}, hidden_size={hidden_size}")
        if dropout > 0 and num_layers == 1:
            warnings.warn(f"dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and num_layers=1",
                          stacklevel=3)
        self.mode, self.input_size, self.hidden_size, self.num_layers = mode, input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional, self.proj_size = bidirectional, proj_size
        directions = 2 if bidirectional else 1
        gate_size = _GATES[mode] * hidden_size
        state_size = proj_size or hidden_size  # h's size: the projection's when there is one
        self._flat_weights_names = []
        for layer in range(num_layers):
            for direction in range(directions):
                layer_input = input_size if layer == 0 else state_size * directions
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                shapes = [("weight_ih", (gate_size, layer_input)), ("weight_hh", (gate_size, state_size))]
                if bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                if proj_size:
                    shapes.append(("weight_hr", (proj_size, hidden_size)))
                for name, shape in shapes:
                    setattr(self, name + suffix, Parameter(F.empty(*shape, device=device, dtype=dtype)))
                    self._flat_weights_names.append(name + suffix)
        self.reset_parameters()

    @staticmethod
    def _name(mode):
        return {"RNN_TANH": "RNN", "RNN_RELU": "RNN"}.get(mode, mode)

    def reset_parameters(self):
        """Every weight and bias ~ U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as in PyTorch."""
        _reset_uniform(self)

    def flatten_parameters(self):
        """A no-op: the weights are always used where they are (cuDNN's flat buffer does not exist here)."""

    @property
    def _flat_weights(self):
        return [getattr(self, name) for name in self._flat_weights_names]

    @property
    def all_weights(self):
        per = (4 if self.bias else 2) + (1 if self.proj_size else 0)
        w = self._flat_weights
        return [w[i:i + per] for i in range(0, len(w), per)]

    # ---- forward ----------------------------------------------------------------------------
    def _layer_weights(self, layer, direction):
        suffix = f"_l{layer}" + ("_reverse" if direction else "")
        w_ih, w_hh = getattr(self, "weight_ih" + suffix), getattr(self, "weight_hh" + suffix)
        if self.bias:
            weights = (w_ih, w_hh, getattr(self, "bias_ih" + suffix), getattr(self, "bias_hh" + suffix))
        else:
            zero = F.zeros(w_ih.shape[0], dtype=w_ih.dtype, device=w_ih.device)
            weights = (w_ih, w_hh, zero, zero)
        return weights + ((getattr(self, "weight_hr" + suffix),) if self.proj_size else ())

    def forward(self, input, hx=None):
        name = self._name(self.mode)
        packed = isinstance(input, PackedSequence)
        lengths = None
        if packed:
            x, lengths_list = padded_from_packed(input)
            lengths = Tensor(lengths_list).to(x.device) if min(lengths_list) < x.shape[0] else None
            batched = True
        else:
            if not isinstance(input, Tensor):
                raise InvalidTypeError(f"{name}: input must be a Tensor or a PackedSequence, got {type(input).__name__}")
            batched = input.ndim == 3
            if input.ndim not in (2, 3):
                raise ShapeError(f"{name}: expected input of 2 (unbatched) or 3 dims, got shape {tuple(input.shape)}")
            x = input if batched else F.unsqueeze(input, 1)
            if self.batch_first and batched:
                x = F.transpose(x, 0, 1)
        if x.shape[-1] != self.input_size:
            raise ShapeError(f"{name}: input.size(-1) must be equal to input_size. Expected {self.input_size}, got "
                             f"{x.shape[-1]}")
        if x.shape[0] == 0:
            raise ShapeError(f"{name}: expected a sequence of at least one step, got input of shape "
                             f"{tuple(input.shape)}")
        _same_dtype(name, "input", x, self.weight_ih_l0)
        hx = self._initial_state(hx, x, batched, input if packed else None)
        out, last = self._run(x, hx, lengths)
        if packed:
            return packed_from_padded(out, input), self._restore_order(last, input)
        if self.batch_first and batched:
            out = F.transpose(out, 0, 1)
        if not batched:
            out = F.squeeze(out, 1)
            last = tuple(F.squeeze(h, 1) for h in last)
        return out, (last if self.mode == "LSTM" else last[0])

    def _initial_state(self, hx, x, batched, packed):
        name = self._name(self.mode)
        directions = 2 if self.bidirectional else 1
        shape = (self.num_layers * directions, x.shape[1], self.hidden_size)
        shapes = {"h_0": shape[:2] + (self.proj_size or self.hidden_size,), "c_0": shape}
        count = 2 if self.mode == "LSTM" else 1
        if hx is None:
            return tuple(F.zeros(*shapes[which], dtype=x.dtype, device=x.device) for which in ("h_0", "c_0")[:count])
        states = tuple(hx) if self.mode == "LSTM" else (hx,)
        if self.mode == "LSTM" and (not isinstance(hx, (tuple, list)) or len(hx) != 2):
            raise InvalidTypeError("LSTM: hx must be a tuple (h_0, c_0)")
        out = []
        for which, h in zip(("h_0", "c_0"), states):
            if not isinstance(h, Tensor):
                raise InvalidTypeError(f"{name}: {which} must be a Tensor, got {type(h).__name__}")
            if not batched:
                h = F.unsqueeze(h, 1)
            if tuple(h.shape) != shapes[which]:
                raise ShapeError(f"{name}: expected hidden size {shapes[which]}, got {tuple(h.shape)} for {which}")
            _same_dtype(name, which, h, x)
            if packed is not None and packed.sorted_indices is not None:
                h = F.index_select(h, 1, packed.sorted_indices)
            out.append(h)
        return tuple(out)

    def _restore_order(self, last, packed):
        if packed.unsorted_indices is not None:
            last = tuple(F.index_select(h, 1, packed.unsorted_indices) for h in last)
        return last if self.mode == "LSTM" else last[0]

    def _run(self, x, hx, lengths):
        directions = 2 if self.bidirectional else 1
        finals = [[] for _ in hx]
        for layer in range(self.num_layers):
            outs = []
            for direction in range(directions):
                k = layer * directions + direction
                weights = self._layer_weights(layer, direction)
                state = [h[k] for h in hx]
                if self.mode == "LSTM":
                    layer_op = lstm_proj_layer if self.proj_size else lstm_layer
                    y, h, c = layer_op(x, state[0], state[1], *weights, lengths=lengths, reverse=bool(direction))
                    last = (h, c)
                elif self.mode == "GRU":
                    y, h = gru_layer(x, state[0], *weights, lengths=lengths, reverse=bool(direction))
                    last = (h,)
                else:
                    y, h = rnn_layer(x, state[0], *weights, lengths=lengths, reverse=bool(direction),
                                     nonlinearity="tanh" if self.mode == "RNN_TANH" else "relu")
                    last = (h,)
                outs.append(y)
                for store, value in zip(finals, last):
                    store.append(value)
            x = outs[0] if directions == 1 else F.cat(outs, 2)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, True)
        return x, tuple(F.stack(store) for store in finals)

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.mode == "RNN_RELU":
            s += ", nonlinearity='relu'"
        if not self.bias:
            s += ", bias=False"
        if self.batch_first:
            s += ", batch_first=True"
        if self.dropout:
            s += f", dropout={self.dropout}"
        if self.bidirectional:
            s += ", bidirectional=True"
        if self.proj_size:
            s += f", proj_size={self.proj_size}"
        return s


class RNN(RNNBase):
    """A multi-layer Elman RNN: ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)`` (or relu).

    Args:
        input_size, hidden_size: features of the input and of the hidden state.
        num_layers: stacked layers, each reading the previous one's output. Default: 1.
        nonlinearity: 'tanh' or 'relu'. Default: 'tanh'.
        bias: learn b_ih and b_hh. Default: True.
        batch_first: input and output are (B, T, *) instead of (T, B, *). Default: False.
        dropout: dropout on each layer's output except the last, while training. Default: 0.
        bidirectional: a second direction runs from the last step to the first; outputs are
            concatenated. Default: False.

    Shape:
        - Input: ``(T, B, input_size)`` (``(B, T, input_size)`` with batch_first), ``(T, input_size)``
          unbatched, or a PackedSequence; h_0 ``(num_layers * D, B, hidden_size)`` (zeros when
          omitted), D = 2 if bidirectional else 1.
        - Output: ``(output, h_n)``: output ``(T, B, D * hidden_size)`` (a PackedSequence for a packed
          input), h_n ``(num_layers * D, B, hidden_size)``.

    Attributes:
        weight_ih_l[k], weight_hh_l[k], bias_ih_l[k], bias_hh_l[k] (and ``_reverse``): as in
        PyTorch, initialised U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)).

    Example::

        >>> rnn = ug.nn.RNN(10, 20, 2)
        >>> output, h_n = rnn(ug.randn(5, 3, 10), ug.randn(2, 3, 20))
        >>> output.shape, h_n.shape
        (unigrad.Size([5, 3, 20]), unigrad.Size([2, 3, 20]))
    """

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, device=None, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise InvalidArgumentError(f"RNN: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size, hidden_size, num_layers,
                         bias, batch_first, dropout, bidirectional, 0, device, dtype)
        self.nonlinearity = nonlinearity


class LSTM(RNNBase):
    """A multi-layer LSTM, PyTorch's formulas and gate order (i, f, g, o):
    ``c_t = f * c_{t-1} + i * g``, ``h_t = o * tanh(c_t)``.

    Args:
        input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional: as in RNN.
        proj_size: if > 0, each step's h is projected to this size, ``h_t = W_hr (o * tanh(c_t))``
            (it must be smaller than hidden_size). Default: 0.

    Shape:
        - Input: ``(T, B, input_size)`` (``(B, T, input_size)`` with batch_first), ``(T, input_size)``
          unbatched, or a PackedSequence; optionally ``(h_0, c_0)``: h_0
          ``(num_layers * D, B, H_out)``, c_0 ``(num_layers * D, B, hidden_size)`` (zeros when
          omitted), H_out = proj_size if proj_size > 0 else hidden_size.
        - Output: ``(output, (h_n, c_n))``: output ``(T, B, D * H_out)`` (a PackedSequence for a
          packed input), h_n ``(num_layers * D, B, H_out)``, c_n ``(num_layers * D, B, hidden_size)``.

    Attributes:
        weight_ih_l[k] ``(4 * hidden_size, in)``, weight_hh_l[k] ``(4 * hidden_size, H_out)``,
        bias_ih_l[k], bias_hh_l[k] ``(4 * hidden_size,)``, and with proj_size weight_hr_l[k]
        ``(proj_size, hidden_size)`` (and ``_reverse``), as in PyTorch.

    Example::

        >>> lstm = ug.nn.LSTM(10, 20, num_layers=2, batch_first=True)
        >>> output, (h_n, c_n) = lstm(ug.randn(3, 5, 10))
        >>> output.shape, h_n.shape, c_n.shape
        (unigrad.Size([3, 5, 20]), unigrad.Size([2, 3, 20]), unigrad.Size([2, 3, 20]))
    """

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         proj_size, device, dtype)


class GRU(RNNBase):
    """A multi-layer GRU, PyTorch's formulas and gate order (r, z, n):
    ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``, ``h' = (1 - z) * n + z * h``.

    Args:
        input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional: as in RNN.

    Shape:
        - Input: as RNN's.
        - Output: ``(output, h_n)`` as RNN's.

    Attributes:
        weight_ih_l[k] ``(3 * hidden_size, in)``, weight_hh_l[k] ``(3 * hidden_size, hidden_size)``,
        bias_ih_l[k], bias_hh_l[k] ``(3 * hidden_size,)`` (and ``_reverse``), as in PyTorch.

    Example::

        >>> gru = ug.nn.GRU(4, 6, bidirectional=True)
        >>> output, h_n = gru(ug.randn(7, 2, 4))
        >>> output.shape, h_n.shape
        (unigrad.Size([7, 2, 12]), unigrad.Size([2, 2, 6]))
    """

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, device=None, dtype=None):
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, 0,
                         device, dtype)


class RNNCellBase(Module):
    """What the cells share: weight_ih, weight_hh, bias_ih, bias_hh (PyTorch's names) and one
    step of the layer op.

    Shape:
        - Input and output: as :class:`RNNCell`, :class:`LSTMCell` and :class:`GRUCell` give them.
    """

    def __init__(self, input_size, hidden_size, bias, gates, device=None, dtype=None):
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        self.weight_ih = Parameter(F.empty(gates * hidden_size, input_size, device=device, dtype=dtype))
        self.weight_hh = Parameter(F.empty(gates * hidden_size, hidden_size, device=device, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(F.empty(gates * hidden_size, device=device, dtype=dtype))
            self.bias_hh = Parameter(F.empty(gates * hidden_size, device=device, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self):
        _reset_uniform(self)

    def _weights(self):
        if self.bias:
            return self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh
        zero = F.zeros(self.weight_ih.shape[0], dtype=self.weight_ih.dtype, device=self.weight_ih.device)
        return self.weight_ih, self.weight_hh, zero, zero

    def _step_input(self, input, states):
        """input as one step (1, B, I), the states as (B, H), and whether the input was unbatched."""
        name = type(self).__name__
        if not isinstance(input, Tensor) or input.ndim not in (1, 2):
            raise ShapeError(f"{name}: expected input of shape (batch, input_size) or (input_size,), got "
                             f"{tuple(getattr(input, 'shape', ()))}")
        batched = input.ndim == 2
        x = input if batched else F.unsqueeze(input, 0)
        if x.shape[1] != self.input_size:
            raise ShapeError(f"{name}: input has {x.shape[1]} features, the cell expects input_size={self.input_size}")
        _same_dtype(name, "input", x, self.weight_ih)
        out = []
        for h in states:
            if h is None:
                h = F.zeros(x.shape[0], self.hidden_size, dtype=x.dtype, device=x.device)
            elif not batched:
                h = F.unsqueeze(h, 0)
            if tuple(h.shape) != (x.shape[0], self.hidden_size):
                raise ShapeError(f"{name}: hidden state has shape {tuple(h.shape)}, expected "
                                 f"{(x.shape[0], self.hidden_size)}")
            _same_dtype(name, "hidden state", h, x)
            out.append(h)
        return F.unsqueeze(x, 0), out, batched

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if not self.bias:
            s += ", bias=False"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity!r}"
        return s


class RNNCell(RNNCellBase):
    """One step of an Elman RNN: ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)`` (or relu).

    Shape:
        - Input: input ``(B, input_size)`` or ``(input_size,)``; hx ``(B, hidden_size)`` (zeros when omitted).
        - Output: h' ``(B, hidden_size)``.

    Example::

        >>> cell = ug.nn.RNNCell(10, 20)
        >>> cell(ug.randn(3, 10)).shape
        unigrad.Size([3, 20])
    """

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise InvalidArgumentError(f"RNNCell: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        x, (h,), batched = self._step_input(input, [hx])
        _, h = rnn_layer(x, h, *self._weights(), nonlinearity=self.nonlinearity)
        return h if batched else F.squeeze(h, 0)


class LSTMCell(RNNCellBase):
    """One LSTM step: ``c' = f * c + i * g``, ``h' = o * tanh(c')`` (PyTorch's gates and weights).

    Shape:
        - Input: input ``(B, input_size)`` or ``(input_size,)``; hx ``(h, c)``, each
          ``(B, hidden_size)`` (zeros when omitted).
        - Output: ``(h', c')``, each ``(B, hidden_size)``.

    Example::

        >>> cell = ug.nn.LSTMCell(10, 20)
        >>> h, c = cell(ug.randn(3, 10))
        >>> h.shape, c.shape
        (unigrad.Size([3, 20]), unigrad.Size([3, 20]))
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input, hx=None):
        if hx is not None and (not isinstance(hx, (tuple, list)) or len(hx) != 2):
            raise InvalidTypeError("LSTMCell: hx must be a tuple (h, c)")
        x, (h, c), batched = self._step_input(input, [None, None] if hx is None else list(hx))
        _, h, c = lstm_layer(x, h, c, *self._weights())
        return (h, c) if batched else (F.squeeze(h, 0), F.squeeze(c, 0))


class GRUCell(RNNCellBase):
    """One GRU step (PyTorch's gates and weights).

    Shape:
        - Input: input ``(B, input_size)`` or ``(input_size,)``; hx ``(B, hidden_size)`` (zeros when omitted).
        - Output: h' ``(B, hidden_size)``.

    Example::

        >>> cell = ug.nn.GRUCell(10, 20)
        >>> cell(ug.randn(3, 10), ug.randn(3, 20)).shape
        unigrad.Size([3, 20])
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input, hx=None):
        x, (h,), batched = self._step_input(input, [hx])
        _, h = gru_layer(x, h, *self._weights())
        return h if batched else F.squeeze(h, 0)
