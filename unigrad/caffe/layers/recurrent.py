"""Caffe's recurrent layers, unrolled over the T time steps of their T x N x ... bottom.

Bottoms: x (T x N x ...), cont (T x N: 0 starts a new sequence, which zeroes the carried state),
an optional static input (N x ..., projected once and added at every step), and with
`expose_hidden` the initial state(s) (1 x N x H each); tops: T x N x num_output, and with
`expose_hidden` the final state(s). No gradient reaches cont.

LSTM blobs, as Caffe's unrolled net orders them: W_xc (4H x D), b_c (4H), [W_xc_static (4H x S)],
W_hc (4H x H); gates i, f, o, g in that order; c_t = cont_t f c_{t-1} + i g, h_t = o tanh(c_t).
RNN blobs: W_xh, b_h, [W_xh_static], W_hh, W_ho, b_o; h_t = tanh(W_hh cont_t h_{t-1} + W_xh x_t + b_h),
o_t = tanh(W_ho h_t + b_o). LSTMUnit is one LSTM step: bottoms c_{t-1}, gates, cont; tops c_t, h_t."""
from ...ops import api as F
from .base import Layer, ParamBlob
from .common import count, filler
from .registry import layer_type


class _Recurrent(Layer):
    bottoms = (2, 5)
    no_backward_to = (1,)  # cont: sequence markers, not data
    states = 1  # hidden states carried between steps (LSTM: h and c)

    def setup(self, bottom_shapes):
        p = self.param.recurrent_param
        if not p.num_output:
            raise self.fail("recurrent_param needs num_output > 0")
        x, cont = bottom_shapes[0], bottom_shapes[1]
        if len(x) < 3 or tuple(cont) != tuple(x[:2]):
            raise self.shape_error(f"x must be T x N x ... and cont T x N; got x {list(x)}, cont {list(cont)}")
        self.t, self.n, self.h = x[0], x[1], p.num_output
        self.expose = p.expose_hidden
        extra = len(bottom_shapes) - 2 - (self.states if self.expose else 0)
        if extra not in (0, 1):
            want = f"x, cont, [static input]{', h_0' if self.expose else ''}{', c_0' if self.expose and self.states == 2 else ''}"
            raise self.fail(f"takes bottoms {want}; got {len(bottom_shapes)}")
        self.static = extra == 1
        if self.static and bottom_shapes[2][0] != self.n:
            raise self.shape_error(f"the static input {list(bottom_shapes[2])} must have N = {self.n} items first")
        for shape in bottom_shapes[2 + extra:]:
            if tuple(shape) != (1, self.n, self.h):
                raise self.shape_error(f"initial states must be 1 x N x num_output = {[1, self.n, self.h]}, got "
                                       f"{list(shape)}")
        want_tops = 1 + (self.states if self.expose else 0)
        if len(self.param.top) != want_tops:
            raise self.fail(f"takes {want_tops} top(s) with expose_hidden: {str(self.expose).lower()}, got "
                            f"{len(self.param.top)}")
        d = count(x, 2)
        s = count(bottom_shapes[2], 1) if self.static else 0
        return self.blobs(p, d, s)

    def forward(self, bottoms, params, ctx):
        x, cont = bottoms[0], bottoms[1].detach()
        t, n = x.shape[0], x.shape[1]
        x = F.reshape(x, (t * n, count(x.shape, 2)))
        static = F.reshape(bottoms[2], (n, count(bottoms[2].shape, 1))) if self.static else None
        initial = [F.reshape(b, (n, self.h)) for b in bottoms[2 + int(self.static):]]
        return self.unroll(x, cont, static, initial, params, t, n)


@layer_type("LSTM")
class LSTM(_Recurrent):
    states = 2
    blob_names = ("W_xc", "b_c", "W_xc_static", "W_hc")

    def blobs(self, p, d, s):
        w, b = filler(p, "weight_filler"), filler(p, "bias_filler")
        blobs = [ParamBlob([4 * self.h, d], w), ParamBlob([4 * self.h], b)]
        if s:
            blobs.append(ParamBlob([4 * self.h, s], w))
        self.blob_names = ("W_xc", "b_c") + (("W_xc_static",) if s else ()) + ("W_hc",)
        return blobs + [ParamBlob([4 * self.h, self.h], w)]

    def unroll(self, x, cont, static, initial, params, t, n):
        h_size = self.h
        gates_x = F.reshape(F.linear(x, params[0], params[1]), (t, n, 4 * h_size))
        if static is not None:
            gates_x = F.add(gates_x, F.linear(static, params[2]))
        w_hc = params[-1]
        if initial:
            h, c = initial
        else:
            h = c = F.zeros((n, h_size), device=x.device)
        outs = []
        for step in range(t):
            keep = F.reshape(F.getitem(cont, step), (n, 1))
            gates = F.add(F.getitem(gates_x, step), F.linear(F.mul(h, keep), w_hc))
            c, h = _lstm_step(c, gates, keep, h_size)
            outs.append(h)
        tops = [F.stack(outs, 0)]
        if self.expose:
            tops += [F.reshape(h, (1, n, h_size)), F.reshape(c, (1, n, h_size))]
        return tops


def _lstm_step(c_prev, gates, keep, h_size):
    """One LSTMUnit: (c_t, h_t) from c_{t-1}, the 4H gate inputs (i, f, o, g) and cont (N x 1)."""
    i = F.sigmoid(F.getitem(gates, (slice(None), slice(0, h_size))))
    f = F.sigmoid(F.getitem(gates, (slice(None), slice(h_size, 2 * h_size))))
    o = F.sigmoid(F.getitem(gates, (slice(None), slice(2 * h_size, 3 * h_size))))
    g = F.tanh(F.getitem(gates, (slice(None), slice(3 * h_size, 4 * h_size))))
    c = F.add(F.mul(F.mul(f, c_prev), keep), F.mul(i, g))
    return c, F.mul(o, F.tanh(c))


@layer_type("RNN")
class RNN(_Recurrent):
    blob_names = ("W_xh", "b_h", "W_xh_static", "W_hh", "W_ho", "b_o")

    def blobs(self, p, d, s):
        w, b = filler(p, "weight_filler"), filler(p, "bias_filler")
        blobs = [ParamBlob([self.h, d], w), ParamBlob([self.h], b)]
        if s:
            blobs.append(ParamBlob([self.h, s], w))
        self.blob_names = ("W_xh", "b_h") + (("W_xh_static",) if s else ()) + ("W_hh", "W_ho", "b_o")
        return blobs + [ParamBlob([self.h, self.h], w), ParamBlob([self.h, self.h], w), ParamBlob([self.h], b)]

    def unroll(self, x, cont, static, initial, params, t, n):
        pre_x = F.reshape(F.linear(x, params[0], params[1]), (t, n, self.h))
        if static is not None:
            pre_x = F.add(pre_x, F.linear(static, params[2]))
        w_hh, w_ho, b_o = params[-3:]
        h = initial[0] if initial else F.zeros((n, self.h), device=x.device)
        outs = []
        for step in range(t):
            keep = F.reshape(F.getitem(cont, step), (n, 1))
            h = F.tanh(F.add(F.getitem(pre_x, step), F.linear(F.mul(h, keep), w_hh)))
            outs.append(F.tanh(F.linear(h, w_ho, b_o)))
        tops = [F.stack(outs, 0)]
        if self.expose:
            tops.append(F.reshape(h, (1, n, self.h)))
        return tops


@layer_type("LSTMUnit")
class LSTMUnit(Layer):
    bottoms = (3, 3)
    tops = (2, 2)
    no_backward_to = (2,)

    def setup(self, bottom_shapes):
        c, gates, cont = bottom_shapes
        if len(c) != 3 or c[0] != 1 or tuple(gates) != (1, c[1], 4 * c[2]) or tuple(cont) != (1, c[1]):
            raise self.shape_error(f"bottoms must be c_prev 1 x N x H, gates 1 x N x 4H and cont 1 x N; got "
                                   f"{[list(s) for s in bottom_shapes]}")
        return []

    def forward(self, bottoms, params, ctx):
        c_prev, gates, cont = bottoms
        _, n, h = c_prev.shape
        keep = F.reshape(cont.detach(), (n, 1))
        c, hid = _lstm_step(F.reshape(c_prev, (n, h)), F.reshape(gates, (n, 4 * h)), keep, h)
        return [F.reshape(c, (1, n, h)), F.reshape(hid, (1, n, h))]
