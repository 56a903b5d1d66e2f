"""tf.nn.rnn_cell (tf.contrib.rnn): BasicRNNCell, BasicLSTMCell, LSTMCell, GRUCell, MultiRNNCell,
DropoutWrapper, with TF1's variable names, shapes, gate order and initial values, so checkpoints
and programs written for TF1 cells carry over.

A cell creates its variables on its first call, in a variable scope named after it
(`basic_lstm_cell`, `lstm_cell`, `gru_cell/gates`, `multi_rnn_cell/cell_0/...`, made unique in
the caller's scope), and reuses them on every later call. One call is one graph node whose
function is the cell's step written over the registry's ops (`step`), so tf.nn.dynamic_rnn runs
the same step in a loop inside one node.

The formulas (x the input, h/c the state, [a, b] concatenation on the last axis):
  BasicRNNCell:  h' = tanh([x, h] @ kernel + bias)
  BasicLSTMCell: i, j, f, o = split([x, h] @ kernel + bias, 4)
                 c' = c * sigmoid(f + forget_bias) + sigmoid(i) * tanh(j); h' = tanh(c') * sigmoid(o)
  LSTMCell:      the same, plus optional peepholes (w_i_diag, w_f_diag, w_o_diag), cell_clip and a
                 projection of h' (num_proj, proj_clip)
  GRUCell:       r, u = split(sigmoid([x, h] @ gates/kernel + gates/bias), 2)   (gates/bias starts at 1)
                 h' = u * h + (1 - u) * tanh([x, r * h] @ candidate/kernel + candidate/bias)
"""
import collections

from ...errors import InvalidArgumentError
from ...ops import api as F
from . import nest
from .factories import op_generator, seeded_dropout, zeros
from .graph import Tensor
from .initializers import constant_initializer, zeros_initializer
from .not_covered import module_getattr
from .ops import convert_to_tensor
from .variable_scope import get_variable, variable_scope


class LSTMStateTuple(collections.namedtuple("LSTMStateTuple", ("c", "h"))):
    """An LSTM's state: the cell state c and the output h."""
    __slots__ = ()

    @property
    def dtype(self):
        return self.c.dtype


def _activation(fn):
    """A cell's activation, given as a TF function (tf.tanh, tf.nn.relu, ...) or None (tanh): the
    registry function the step calls."""
    if fn is None:
        return F.tanh
    from . import nn, ops
    eager = {nn.tanh: F.tanh, nn.sigmoid: F.sigmoid, nn.relu: F.relu, nn.elu: F.elu, nn.softplus: F.softplus,
             nn.relu6: F.relu6, ops.tanh: F.tanh, ops.sigmoid: F.sigmoid}.get(fn)
    if eager is None:
        raise InvalidArgumentError(f"an RNN cell's activation must be one of tf.tanh, tf.sigmoid, tf.nn.relu, "
                                   f"tf.nn.elu, tf.nn.softplus or tf.nn.relu6, got {fn!r}")
    return eager


def _step_name(kind):
    return {"basic_rnn_cell": "BasicRNNCell", "basic_lstm_cell": "BasicLSTMCell", "lstm_cell": "LSTMCell",
            "gru_cell": "GRUCell", "multi_rnn_cell": "MultiRNNCell"}.get(kind, kind)


class RNNCell:
    """Base of the cells: `state_size`/`output_size`, `zero_state`, and `__call__(inputs, state)`
    giving (output, new state). Subclasses define `build(input_depth, dtype)` (variables),
    `params()` (the graph tensors a step reads) and `step(x, state leaves, param values)`."""
    kind = "rnn_cell"
    random = False

    def __init__(self, name=None, reuse=None, dtype=None):
        self._name, self._reuse, self._dtype = name, reuse, dtype
        self.built = False

    @property
    def state_size(self):
        raise NotImplementedError

    @property
    def output_size(self):
        raise NotImplementedError

    def zero_state(self, batch_size, dtype):
        """The all-zero state for `batch_size` (an int or a scalar tensor) rows."""
        return nest.pack_sequence_as(self.state_size, [zeros([batch_size, n], dtype)
                                                       for n in nest.flatten(self.state_size)])

    def ensure_built(self, input_depth, dtype, scope=None):
        """Create the variables on the first call, in scope `scope` or the cell's own."""
        if self.built:
            return
        if input_depth is None:
            raise InvalidArgumentError(f"{type(self).__name__}: the inputs' last dimension must be known to make "
                                       "the cell's variables")
        with variable_scope(scope if scope is not None else self._name, default_name=self.kind,
                            reuse=self._reuse):
            self.build(int(input_depth), dtype)
        self.built = True

    def params(self):
        return []

    def __call__(self, inputs, state, scope=None):
        x = convert_to_tensor(inputs)
        self.ensure_built(None if x._shape is None else x._shape[-1], x.dtype, scope)
        leaves, params = nest.flatten(state), self.params()
        n = len(leaves)
        leaves = [convert_to_tensor(s) for s in leaves]

        def fn(xv, *values):
            out, new = self.step(xv, list(values[:n]), list(values[n:]))
            return (out,) + tuple(new)
        node = Tensor("random" if self.random else "op", [x] + leaves + params, fn, _step_name(self.kind), x.dtype,
                      None)
        batch = None if x._shape is None else x._shape[0]
        output = Tensor("op", [node], lambda t: t[0], f"{node.name}/output", x.dtype, (batch, self.output_size))
        sizes = nest.flatten(self.state_size)
        new_leaves = [Tensor("op", [node], lambda t, i=i: t[i + 1], f"{node.name}/state_{i}", x.dtype, (batch, size))
                      for i, size in enumerate(sizes)]
        return output, nest.pack_sequence_as(state if nest.is_sequence(state) else self.state_size, new_leaves)


def _linear(parts, kernel, bias):
    joined = F.cat(parts, -1) if len(parts) > 1 else parts[0]
    out = F.matmul(joined, kernel)
    return F.add(out, bias) if bias is not None else out


class BasicRNNCell(RNNCell):
    kind = "basic_rnn_cell"

    def __init__(self, num_units, activation=None, reuse=None, name=None, dtype=None):
        super().__init__(name, reuse, dtype)
        self.num_units, self._act = num_units, _activation(activation)

    state_size = output_size = property(lambda self: self.num_units)

    def build(self, depth, dtype):
        self.kernel = get_variable("kernel", [depth + self.num_units, self.num_units], dtype=dtype)
        self.bias = get_variable("bias", [self.num_units], dtype=dtype, initializer=zeros_initializer())

    def params(self):
        return [self.kernel, self.bias]

    def step(self, x, state, params):
        h = self._act(_linear([x, state[0]], *params))
        return h, [h]


class BasicLSTMCell(RNNCell):
    kind = "basic_lstm_cell"

    def __init__(self, num_units, forget_bias=1.0, state_is_tuple=True, activation=None, reuse=None, name=None,
                 dtype=None):
        super().__init__(name, reuse, dtype)
        self.num_units, self.forget_bias, self.state_is_tuple = num_units, forget_bias, state_is_tuple
        self._act = _activation(activation)

    @property
    def state_size(self):
        n = self.num_units
        return LSTMStateTuple(n, n) if self.state_is_tuple else 2 * n

    output_size = property(lambda self: self.num_units)

    def build(self, depth, dtype):
        self.kernel = get_variable("kernel", [depth + self.num_units, 4 * self.num_units], dtype=dtype)
        self.bias = get_variable("bias", [4 * self.num_units], dtype=dtype, initializer=zeros_initializer())

    def params(self):
        return [self.kernel, self.bias]

    def _split_state(self, state):
        if self.state_is_tuple:
            return state[0], state[1]
        return F.split(state[0], [self.num_units, self.num_units], -1)

    def step(self, x, state, params):
        c, h = self._split_state(state)
        i, j, f, o = F.chunk(_linear([x, h], *params), 4, -1)
        new_c = F.add(F.mul(c, F.sigmoid(F.add(f, self.forget_bias))), F.mul(F.sigmoid(i), self._act(j)))
        new_h = F.mul(self._act(new_c), F.sigmoid(o))
        return new_h, ([new_c, new_h] if self.state_is_tuple else [F.cat([new_c, new_h], -1)])


class LSTMCell(BasicLSTMCell):
    kind = "lstm_cell"

    def __init__(self, num_units, use_peepholes=False, cell_clip=None, initializer=None, num_proj=None,
                 proj_clip=None, num_unit_shards=None, num_proj_shards=None, forget_bias=1.0, state_is_tuple=True,
                 activation=None, reuse=None, name=None, dtype=None):
        super().__init__(num_units, forget_bias, state_is_tuple, activation, reuse, name, dtype)
        self.use_peepholes, self.cell_clip, self.initializer = use_peepholes, cell_clip, initializer
        self.num_proj, self.proj_clip = num_proj, proj_clip

    @property
    def state_size(self):
        out = self.num_proj or self.num_units
        return LSTMStateTuple(self.num_units, out) if self.state_is_tuple else self.num_units + out

    output_size = property(lambda self: self.num_proj or self.num_units)

    def build(self, depth, dtype):
        out = self.num_proj or self.num_units
        self.kernel = get_variable("kernel", [depth + out, 4 * self.num_units], dtype=dtype,
                                   initializer=self.initializer)
        self.bias = get_variable("bias", [4 * self.num_units], dtype=dtype, initializer=zeros_initializer())
        self.peepholes = [get_variable(n, [self.num_units], dtype=dtype, initializer=self.initializer)
                          for n in ("w_f_diag", "w_i_diag", "w_o_diag")] if self.use_peepholes else []
        self.projection = []
        if self.num_proj:
            with variable_scope("projection"):
                self.projection = [get_variable("kernel", [self.num_units, self.num_proj], dtype=dtype,
                                                initializer=self.initializer)]

    def params(self):
        return [self.kernel, self.bias] + self.peepholes + self.projection

    def _split_state(self, state):
        if self.state_is_tuple:
            return state[0], state[1]
        return F.split(state[0], [self.num_units, self.num_proj or self.num_units], -1)

    def step(self, x, state, params):
        c, h = self._split_state(state)
        kernel, bias, rest = params[0], params[1], params[2:]
        peep, proj = (rest[:3], rest[3:]) if self.use_peepholes else ([], rest)
        i, j, f, o = F.chunk(_linear([x, h], kernel, bias), 4, -1)
        if peep:
            w_f, w_i, w_o = peep
            f, i = F.add(f, F.mul(w_f, c)), F.add(i, F.mul(w_i, c))
        new_c = F.add(F.mul(c, F.sigmoid(F.add(f, self.forget_bias))), F.mul(F.sigmoid(i), self._act(j)))
        if self.cell_clip is not None:
            new_c = F.clamp(new_c, -self.cell_clip, self.cell_clip)
        if peep:
            o = F.add(o, F.mul(peep[2], new_c))
        m = F.mul(self._act(new_c), F.sigmoid(o))
        if proj:
            m = F.matmul(m, proj[0])
            if self.proj_clip is not None:
                m = F.clamp(m, -self.proj_clip, self.proj_clip)
        return m, ([new_c, m] if self.state_is_tuple else [F.cat([new_c, m], -1)])


class GRUCell(RNNCell):
    kind = "gru_cell"

    def __init__(self, num_units, activation=None, reuse=None, kernel_initializer=None, bias_initializer=None,
                 name=None, dtype=None):
        super().__init__(name, reuse, dtype)
        self.num_units, self._act = num_units, _activation(activation)
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer

    state_size = output_size = property(lambda self: self.num_units)

    def build(self, depth, dtype):
        n = self.num_units
        with variable_scope("gates"):
            self.gates = [get_variable("kernel", [depth + n, 2 * n], dtype=dtype, initializer=self.kernel_initializer),
                          get_variable("bias", [2 * n], dtype=dtype,
                                       initializer=self.bias_initializer or constant_initializer(1.0))]
        with variable_scope("candidate"):
            self.candidate = [get_variable("kernel", [depth + n, n], dtype=dtype, initializer=self.kernel_initializer),
                              get_variable("bias", [n], dtype=dtype,
                                           initializer=self.bias_initializer or zeros_initializer())]

    def params(self):
        return self.gates + self.candidate

    def step(self, x, state, params):
        h = state[0]
        r, u = F.chunk(F.sigmoid(_linear([x, h], params[0], params[1])), 2, -1)
        c = self._act(_linear([x, F.mul(r, h)], params[2], params[3]))
        new_h = F.add(F.mul(u, h), F.mul(F.rsub(u, 1.0), c))
        return new_h, [new_h]


class MultiRNNCell(RNNCell):
    """Cells stacked: cell i's output is cell i+1's input; the state is a tuple of their states."""
    kind = "multi_rnn_cell"

    def __init__(self, cells, state_is_tuple=True):
        super().__init__()
        if not cells:
            raise InvalidArgumentError("MultiRNNCell needs at least one cell")
        if len({id(c) for c in cells}) != len(cells):
            raise InvalidArgumentError("MultiRNNCell: the same cell object appears twice; TF1 would share its "
                                       "weights between layers. Make a new cell per layer: "
                                       "[tf.nn.rnn_cell.LSTMCell(n) for _ in range(layers)]")
        self.cells, self.state_is_tuple = list(cells), state_is_tuple
        self.random = any(c.random for c in cells)

    @property
    def state_size(self):
        return tuple(c.state_size for c in self.cells)

    output_size = property(lambda self: self.cells[-1].output_size)

    def build(self, depth, dtype):
        for i, cell in enumerate(self.cells):
            with variable_scope(f"cell_{i}"):  # TF1's names: multi_rnn_cell/cell_0/lstm_cell/kernel
                cell.ensure_built(depth, dtype)
            depth = cell.output_size

    def params(self):
        return [p for c in self.cells for p in c.params()]

    def step(self, x, state, params):
        new_state, s, p = [], 0, 0
        for cell in self.cells:
            ns, npar = len(nest.flatten(cell.state_size)), len(cell.params())
            x, cell_state = cell.step(x, state[s:s + ns], params[p:p + npar])
            new_state.extend(cell_state)
            s, p = s + ns, p + npar
        return x, new_state


class DropoutWrapper(RNNCell):
    """Dropout on a cell's inputs, outputs and (state_keep_prob) new state; each keep probability
    is a number or a scalar tensor (a placeholder fed 1.0 for evaluation)."""
    random = True

    def __init__(self, cell, input_keep_prob=1.0, output_keep_prob=1.0, state_keep_prob=1.0,
                 variational_recurrent=False, input_size=None, dtype=None, seed=None, dropout_state_filter_visitor=None):
        super().__init__()
        if variational_recurrent:
            raise InvalidArgumentError("DropoutWrapper(variational_recurrent=True) is not covered by unigrad yet")
        self.cell = cell
        self.kind = cell.kind
        self.keeps = [convert_to_tensor(k, dtype="float32") if isinstance(k, Tensor) else float(k)
                      for k in (input_keep_prob, output_keep_prob, state_keep_prob)]
        self.generator = op_generator(seed)  # a graph or op seed gives the wrapper its own stream

    state_size = property(lambda self: self.cell.state_size)
    output_size = property(lambda self: self.cell.output_size)

    def ensure_built(self, input_depth, dtype, scope=None):
        self.cell.ensure_built(input_depth, dtype, scope)
        self.built = True

    def params(self):
        return self.cell.params() + [k for k in self.keeps if isinstance(k, Tensor)]

    def _drop(self, v, keep):
        if not isinstance(keep, (int, float)):
            keep = F.to_dtype(keep, v.dtype)
        elif keep >= 1.0:
            return v
        return seeded_dropout(v, keep, self.generator)

    def step(self, x, state, params):
        n = len(self.cell.params())
        fed = iter(params[n:])
        keep_in, keep_out, keep_state = [next(fed) if isinstance(k, Tensor) else k for k in self.keeps]
        out, new_state = self.cell.step(self._drop(x, keep_in), state, params[:n])
        if not (isinstance(keep_state, float) and keep_state >= 1.0):
            new_state = [self._drop(s, keep_state) for s in new_state]
        return self._drop(out, keep_out), new_state


class ResidualWrapper(RNNCell):
    """The cell's output plus its input."""

    def __init__(self, cell, residual_fn=None):
        super().__init__()
        self.cell, self.kind, self.random = cell, cell.kind, cell.random

    state_size = property(lambda self: self.cell.state_size)
    output_size = property(lambda self: self.cell.output_size)

    def ensure_built(self, input_depth, dtype, scope=None):
        self.cell.ensure_built(input_depth, dtype, scope)
        self.built = True

    def params(self):
        return self.cell.params()

    def step(self, x, state, params):
        out, new_state = self.cell.step(x, state, params)
        return F.add(out, x), new_state


class DeviceWrapper(ResidualWrapper):
    """The cell as it is (unigrad places ops by their inputs' device)."""

    def __init__(self, cell, device):
        super().__init__(cell)

    def step(self, x, state, params):
        return self.cell.step(x, state, params)


__getattr__ = module_getattr("tf.nn.rnn_cell", lambda: list(globals()))
