"""Emitter methods for the neural-network ops' rules: convolution, pooling and normalisation
with PyTorch's arguments, written as the ONNX ops that have the same semantics."""
import numpy as np

from ...backend import dtypes as _dt
from ..errors import OnnxExportError


def _tuple(v, n):
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n


def _onnx_pads(pads_pairs):
    """[(begin, end)] per spatial dim -> ONNX's [begins..., ends...]."""
    return [b for b, _ in pads_pairs] + [e for _, e in pads_pairs]


class NNLowerings:
    def conv(self, input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
        kernel = self.shape(weight)[2:]
        n = len(kernel)
        stride, dilation = _tuple(stride, n), _tuple(dilation, n)
        if padding == "same":
            totals = [d * (k - 1) for d, k in zip(dilation, kernel)]
            pads = [(t // 2, t - t // 2) for t in totals]
        elif padding == "valid":
            pads = [(0, 0)] * n
        else:
            pads = [(p, p) for p in _tuple(padding, n)]
        return self.node("Conv", [input, weight, bias], kernel_shape=list(kernel), strides=list(stride),
                         pads=_onnx_pads(pads), dilations=list(dilation), group=int(groups))

    def conv_transpose(self, input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
        kernel = self.shape(weight)[2:]
        n = len(kernel)
        pads = [(p, p) for p in _tuple(padding, n)]
        return self.node("ConvTranspose", [input, weight, bias], kernel_shape=list(kernel),
                         strides=list(_tuple(stride, n)), pads=_onnx_pads(pads),
                         output_padding=list(_tuple(output_padding, n)), dilations=list(_tuple(dilation, n)),
                         group=int(groups))

    def recurrent_layer(self, kind, x, h0, *rest, reverse=False, nonlinearity="tanh"):
        """lstm_layer/gru_layer/rnn_layer (one direction, time-major, PyTorch's weights) as ONNX's
        LSTM/GRU/RNN: gate blocks reordered (LSTM i f g o -> i o f c, GRU r z n -> z r h), the
        biases concatenated, GRU with linear_before_reset (PyTorch's candidate), lengths as
        sequence_lens. The workspace output (for the fused backward) is not exported."""
        c0 = rest[0] if kind == "lstm" else None
        w_ih, w_hh, b_ih, b_hh = rest[1:5] if kind == "lstm" else rest[:4]
        extra = rest[5:] if kind == "lstm" else rest[4:]
        lengths = extra[0] if extra else None
        hidden = self.shape(h0)[1]
        order = {"lstm": [0, 3, 1, 2], "gru": [1, 0, 2], "rnn": [0]}[kind]

        def gates(w):
            if order == [0]:
                return self.unsqueeze(w, [0])
            blocks = self.split(w, [hidden] * len(order), 0)
            return self.unsqueeze(self.node("Concat", [blocks[i] for i in order], axis=0), [0])
        bias = self.node("Concat", [gates(b_ih), gates(b_hh)], axis=1)
        seq = self.cast(lengths, _dt.int32) if lengths is not None else None
        op_type = {"lstm": "LSTM", "gru": "GRU", "rnn": "RNN"}[kind]
        inputs = [x, gates(w_ih), gates(w_hh), bias, seq, self.unsqueeze(h0, [0])]
        attrs = dict(hidden_size=int(hidden), direction="reverse" if reverse else "forward")
        if kind == "lstm":
            inputs.append(self.unsqueeze(c0, [0]))
        if kind == "gru":
            attrs["linear_before_reset"] = 1
        if kind == "rnn":
            attrs["activations"] = ["Relu" if nonlinearity == "relu" else "Tanh"]
        outs = self.node(op_type, inputs, outputs=3 if kind == "lstm" else 2, **attrs)
        y = self.squeeze(outs[0], [1])
        states = [self.squeeze(o, [0]) for o in outs[1:]]
        return (y, *states, "")

    def im2col(self, x, kernel, stride, pads, dilation):
        """im2col's (C*kh*kw, OH*OW*N) columns: a grouped Conv with one-hot kernels picks each window
        offset (exact), then the batch moves innermost."""
        c = self.shape(x)[1]
        kh, kw = kernel
        eye = np.eye(kh * kw, dtype=self.dtype(x).np).reshape(kh * kw, 1, kh, kw)
        weight = self.const(np.tile(eye, (c, 1, 1, 1)))
        cols = self.node("Conv", [x, weight], kernel_shape=[kh, kw], strides=list(stride),
                         pads=[pads[0], pads[2], pads[1], pads[3]], dilations=list(dilation), group=int(c))
        moved = self.node("Transpose", [cols], perm=[1, 2, 3, 0])
        return self.reshape(moved, self.current_outs[0][0])

    def max_pool_values(self, x, kernel, stride, pads, dilation):
        return self.node("MaxPool", [x], kernel_shape=list(kernel), strides=list(stride),
                         pads=[pads[0], pads[2], pads[1], pads[3]], dilations=list(dilation))

    def max_pool(self, input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                 return_indices=False):
        kernel = _tuple(kernel_size, 2)
        stride = kernel if stride is None or stride == () else _tuple(stride, 2)
        pads = [(p, p) for p in _tuple(padding, 2)]
        attrs = dict(kernel_shape=list(kernel), strides=list(stride), pads=_onnx_pads(pads),
                     dilations=list(_tuple(dilation, 2)), ceil_mode=int(bool(ceil_mode)))
        if not return_indices:
            return self.node("MaxPool", [input], **attrs)
        values, flat = self.node("MaxPool", [input], outputs=2, **attrs)
        return values, self._per_plane(input, flat)

    def _per_plane(self, input, flat):
        """MaxPool's indices count over the whole tensor; PyTorch's over each H*W plane."""
        shape = self.shape(input)
        if len(shape) != 4:
            return flat
        n, c, h, w = shape
        planes = self.node("Range", [self.scalar(0, _dt.int64), self.size(_mul(n, c)), self.scalar(1, _dt.int64)])
        offsets = self.node("Mul", [self.reshape(planes, [n, c, 1, 1]), self.size(_mul(h, w))])
        return self.node("Sub", [flat, offsets])

    def avg_pool(self, input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        kernel = _tuple(kernel_size, 2)
        stride = kernel if stride is None or stride == () else _tuple(stride, 2)
        pads = [(p, p) for p in _tuple(padding, 2)]
        out = self.node("AveragePool", [input], kernel_shape=list(kernel), strides=list(stride),
                        pads=_onnx_pads(pads), ceil_mode=int(bool(ceil_mode)),
                        count_include_pad=int(bool(count_include_pad) or divisor_override is not None))
        if divisor_override is not None:
            scale = kernel[0] * kernel[1] / divisor_override
            out = self.node("Mul", [out, self.scalar(scale, self.dtype(input))])
        return out

    def adaptive_avg_pool(self, input, output_size):
        out = _tuple(output_size, 2)
        h, w = self.shape(input)[-2:]
        out = tuple(s if s is not None else d for s, d in zip(out, (h, w)))
        if out == (1, 1):
            return self.node("GlobalAveragePool", [input])
        if not all(isinstance(d, int) for d in (h, w)):
            raise OnnxExportError(f"export: adaptive_avg_pool2d to {out} needs a fixed input size, got {(h, w)}")
        if h % out[0] == 0 and w % out[1] == 0:
            kernel = [h // out[0], w // out[1]]
            return self.node("AveragePool", [input], kernel_shape=kernel, strides=kernel)
        # PyTorch's windows [floor(i*H/oh), ceil((i+1)*H/oh)): a mean over a rectangle is the mean
        # over its rows of the means over its columns, so each axis is pooled on its own
        rank = self.rank(input)
        x = input
        for axis, size, cells in ((rank - 2, h, out[0]), (rank - 1, w, out[1])):
            parts = [self.reduce("ReduceMean", self.slice(x, [i * size // cells], [-(-(i + 1) * size // cells)],
                                                          [axis]), [axis], True) for i in range(cells)]
            x = parts[0] if len(parts) == 1 else self.node("Concat", parts, axis=axis)
        return x

    def batch_norm(self, input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1,
                   eps=1e-5):
        c = self.shape(input)[1]
        dtype = self.dtype(input)
        weight = weight if weight is not None else self.const(np.ones(c, dtype.np))
        bias = bias if bias is not None else self.const(np.zeros(c, dtype.np))
        if not training:
            return self.node("BatchNormalization", [input, weight, bias, running_mean, running_var],
                             epsilon=float(eps))
        axes = [0] + list(range(2, self.rank(input)))  # batch statistics, as the model computes in training
        mean = self.reduce("ReduceMean", input, axes, True)
        centred = self.node("Sub", [input, mean])
        var = self.reduce("ReduceMean", self.node("Mul", [centred, centred]), axes, True)
        std = self.node("Sqrt", [self.node("Add", [var, self.scalar(eps, dtype)])])
        shape = [1, c] + [1] * (self.rank(input) - 2)
        scaled = self.node("Mul", [self.node("Div", [centred, std]), self.reshape(weight, shape)])
        return self.node("Add", [scaled, self.reshape(bias, shape)])

    def layer_norm(self, input, normalized_shape, weight=None, bias=None, eps=1e-5):
        shape = _tuple(normalized_shape, 1)
        dtype = self.dtype(input)
        weight = weight if weight is not None else self.const(np.ones(shape, dtype.np))
        return self.node("LayerNormalization", [input, weight, bias], axis=-len(shape), epsilon=float(eps))

    def group_norm(self, input, num_groups, weight=None, bias=None, eps=1e-5):
        c = self.shape(input)[1]
        dtype = self.dtype(input)
        weight = weight if weight is not None else self.const(np.ones(c, dtype.np))
        bias = bias if bias is not None else self.const(np.zeros(c, dtype.np))
        return self.node("GroupNormalization", [input, weight, bias], num_groups=int(num_groups), epsilon=float(eps))

    def local_response_norm(self, input, size, alpha=1e-4, beta=0.75, k=1.0):
        if size % 2 == 1:
            return self.node("LRN", [input], size=int(size), alpha=float(alpha), beta=float(beta), bias=float(k))
        # an even window is not centred (size // 2 channels before, one fewer after), which ONNX's
        # LRN cannot say: the mean of squares over channels as an AveragePool, as PyTorch computes it
        shape = self.shape(input)
        dtype = self.dtype(input)
        sq = self.reshape(self.node("Mul", [input, input]), [shape[0], 1, shape[1], -1])
        padded = self.pad(sq, [0, 0, size // 2, 0, 0, 0, (size - 1) // 2, 0], 0.0, dtype=dtype)
        avg = self.node("AveragePool", [padded], kernel_shape=[int(size), 1], strides=[1, 1])
        avg = self.reshape(avg, shape)
        base = self.node("Add", [self.node("Mul", [avg, self.scalar(alpha, dtype)]), self.scalar(k, dtype)])
        return self.node("Div", [input, self.node("Pow", [base, self.scalar(beta, dtype)])])

    def softplus(self, input, beta=1.0, threshold=20.0):
        if beta == 1:
            return self.node("Softplus", [input])
        dtype = self.dtype(input)
        scaled = self.node("Softplus", [self.node("Mul", [input, self.scalar(beta, dtype)])])
        return self.node("Div", [scaled, self.scalar(beta, dtype)])

    def dropout(self, input, p=0.5, training=True, inplace=False):
        if not training or p == 0:
            return self.node("Identity", [input])
        return self.node("Dropout", [input, self.scalar(p, self.dtype(input)), self.scalar(True, _dt.bool_)])

    def embedding(self, input, weight, padding_idx=None, max_norm=None, scale_grad_by_freq=False, sparse=False):
        if max_norm is not None:
            raise OnnxExportError("export: embedding with max_norm renormalises its weight while it runs, which an "
                                  "ONNX graph cannot; export without max_norm")
        return self.node("Gather", [weight, input], axis=0)


def _mul(a, b):
    """a * b for sizes that may be symbolic."""
    from ...graph.symbolic_sizes import Dim
    if isinstance(a, int) and isinstance(b, int):
        return a * b
    if isinstance(a, int):
        a, b = b, a
    return Dim("lin", (b, a, 0)) if isinstance(b, int) else Dim("mul", (a, b))
