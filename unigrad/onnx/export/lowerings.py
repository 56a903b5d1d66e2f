"""Emitter methods for rules whose ONNX form takes more than one node: arithmetic with PyTorch's
semantics on ONNX ops, indexing, movement and reductions. Each takes input names and the op's
attributes and returns the output name(s); the op files' rules call them."""
import numpy as np

from ...backend import dtypes as _dt
from ...graph.symbolic_sizes import Dim
from ...ops.movement.indexing import Slot
from ..errors import OnnxExportError

INT64_MIN = np.iinfo(np.int64).min
INT64_MAX = np.iinfo(np.int64).max


class MathLowerings:
    def true_divide(self, a, b):
        """a / b with integers divided as floats (the default float), as PyTorch's div."""
        if self.dtype(a).is_floating_point:
            return self.node("Div", [a, b])
        f = _dt.get_default_dtype()
        return self.node("Div", [self.cast(a, f), self.cast(b, f)])

    def floor_divide(self, a, b, dtype=None):
        """dtype: a's, when a is not a program value (a rule's own node)."""
        dtype = self.dtype(a) if dtype is None else dtype
        if dtype.is_floating_point:
            return self.node("Floor", [self.node("Div", [a, b])])
        q = self.node("Floor", [self.node("Div", [self.cast(a, _dt.float64), self.cast(b, _dt.float64)])])
        return self.cast(q, dtype)

    def remainder(self, a, b):
        """Python's a % b (the sign of b)."""
        if self.dtype(a).is_floating_point:
            return self.node("Sub", [a, self.node("Mul", [self.floor_divide(a, b), b])])
        return self.node("Mod", [a, b], fmod=0)

    def trunc(self, x):
        return self.node("Mul", [self.node("Sign", [x]), self.node("Floor", [self.node("Abs", [x])])])

    def bit_shift(self, x, y, direction):
        """ONNX's BitShift shifts unsigned integers only; a signed shift is a product with (or a floor
        division by) a power of two, which keeps the sign as PyTorch's shifts do."""
        dtype = self.dtype(x)
        if dtype.name in ("uint8", "uint16", "uint32", "uint64"):
            return self.node("BitShift", [x, y], direction=direction)
        power = self.node("Pow", [self.scalar(2, dtype), y])
        return self.node("Mul", [x, power]) if direction == "LEFT" else self.floor_divide(x, power)

    def bool_reduce(self, x, dim, keepdim, every):
        """all (every=True) or any over dims."""
        as_int = self.cast(x, _dt.int32)
        reduced = self.reduce("ReduceMin" if every else "ReduceMax", as_int, self.axes(dim), keepdim)
        return self.cast(reduced, _dt.bool_)

    def arg_extremum(self, op_type, x, dim=None, keepdim=False):
        if dim is None:
            return self.node(op_type, [self.reshape(x, [-1])], axis=0, keepdims=0)
        return self.node(op_type, [x], axis=int(dim), keepdims=int(bool(keepdim)))

    def extremum_dim(self, op_type, x, dim, keepdim=False):
        """(values, indices) of max/min along dim."""
        values = self.reduce("ReduceMax" if op_type == "ArgMax" else "ReduceMin", x, (dim,), keepdim)
        return values, self.node(op_type, [x], axis=int(dim), keepdims=int(bool(keepdim)))

    def softmax(self, op_type, x, dim):
        """Softmax / LogSoftmax over dim; before opset 13 these flatten from the axis on, which is
        the same only over the last dim, so another dim is moved last and back."""
        rank = self.rank(x)
        if self.opset >= 13 or rank == 0 or dim % rank == rank - 1:
            return self.node(op_type, [x], axis=int(dim) if self.opset >= 13 or rank == 0 else rank - 1)
        perm = list(range(rank))
        perm[dim % rank], perm[-1] = perm[-1], perm[dim % rank]
        moved = self.node(op_type, [self.node("Transpose", [x], perm=perm)], axis=rank - 1)
        return self.node("Transpose", [moved], perm=perm)

    def linear(self, x, w, b=None):
        if self.rank(x) == 2:
            return self.node("Gemm", [x, w, b], transB=1)
        out = self.node("MatMul", [x, self.node("Transpose", [w], perm=[1, 0])])
        return out if b is None else self.node("Add", [out, b])

    def sum_to(self, x, shape):
        """x summed down to `shape` (a broadcast gradient reduced to its operand)."""
        in_shape = self.shape(x)
        lead = len(in_shape) - len(shape)
        axes = list(range(lead)) + [lead + i for i, s in enumerate(shape) if s == 1 and in_shape[lead + i] != 1]
        if not axes:
            return self.node("Identity", [x])
        out = self.reduce("ReduceSum", x, axes, True)
        return self.reshape(out, shape) if lead else out

    def full(self, size, fill_value, dtype):
        from onnx import helper
        value = helper.make_tensor("value", self.onnx_type(dtype), [1], [np.asarray(fill_value, dtype.np).item()])
        return self.node("ConstantOfShape", [self.ints(size)], value=value)

    def arange(self, start, end, step, dtype):
        return self.node("Range", [self.size_or_scalar(start, dtype), self.size_or_scalar(end, dtype),
                                   self.size_or_scalar(step, dtype)])

    def size_or_scalar(self, v, dtype):
        if isinstance(v, Dim):
            out = self.size(v)
            return out if dtype is _dt.int64 else self.cast(out, dtype)
        return self.scalar(v, dtype)

    def eye(self, n, m, dtype):
        return self.node("EyeLike", [self.full((n, m), 0, dtype)])


class MovementLowerings:
    def flip(self, x, dims):
        n = len(dims)
        return self.slice(x, [-1] * n, [INT64_MIN] * n, list(dims), [-1] * n)

    def torch_pad(self, x, pad, value=0.0):
        """F.pad's (last dim first) pairs as ONNX Pad's begins-then-ends; negative widths crop."""
        rank = self.rank(x)
        begins, ends = [0] * rank, [0] * rank
        for i in range(len(pad) // 2):
            begins[rank - 1 - i], ends[rank - 1 - i] = pad[2 * i], pad[2 * i + 1]
        return self.pad(x, begins + ends, 0.0 if value is None else value)

    def scatter_add(self, x, index, src, dim):
        if self.opset < 16:
            raise OnnxExportError("export: scatter_add needs opset 16 or newer (ScatterElements with reduction)")
        if tuple(self.shape(src)) != tuple(self.shape(index)):
            n = len(self.shape(index))
            src = self.slice(src, [0] * n, list(self.shape(index)), list(range(n)))
        return self.node("ScatterElements", [x, index, src], axis=int(dim), reduction="add")

    def scatter_reduce(self, x, index, src, dim, reduce, include_self=True):
        """ScatterElements with a reduction; include_self=False first writes the reduction's
        identity where src lands, and a mean divides a sum by a scattered count."""
        dtype, shape = self.dtype(x), self.shape(x)
        if tuple(self.shape(src)) != tuple(self.shape(index)):
            n = len(self.shape(index))
            src = self.slice(src, [0] * n, list(self.shape(index)), list(range(n)))
        if not include_self:
            identity = 1 if reduce == "prod" else -np.inf if reduce == "amax" else np.inf if reduce == "amin" else 0
            if not dtype.is_floating_point and not np.isfinite(identity):
                info = np.iinfo(dtype.np)
                identity = info.min if identity < 0 else info.max
            fill = self.node("Expand", [self.scalar(identity, dtype), self.node("Shape", [index])])
            x = self.node("ScatterElements", [x, index, fill], axis=int(dim))
        reduction = "mul" if reduce == "prod" else "max" if reduce == "amax" else "min" if reduce == "amin" else "add"
        out = self.node("ScatterElements", [x, index, src], axis=int(dim), reduction=reduction)
        if reduce != "mean":
            return out
        ones = self.node("Expand", [self.scalar(1, dtype), self.node("Shape", [index])])
        start = self.node("Expand", [self.scalar(1 if include_self else 0, dtype), self.ints(shape)])
        count = self.node("ScatterElements", [start, index, ones], axis=int(dim), reduction="add")
        safe = self.node("Max", [count, self.scalar(1, dtype)])
        return self.node("Where", [self.node("Greater", [count, self.scalar(0, dtype)]),
                                   self.node("Div", [out, safe]) if dtype.is_floating_point else
                                   self.floor_divide(out, safe, dtype), out])

    def basic_index(self, x, index):
        """x[index] for ints, slices, None and Ellipsis: Slice, then Squeeze (ints) and Unsqueeze (None)."""
        shape = self.shape(x)
        items = _expand_ellipsis(index, len(shape))
        starts, ends, axes, steps, squeeze, unsqueeze = [], [], [], [], [], []
        dim, out_dim = 0, 0
        for item in items:
            if item is None:
                unsqueeze.append(out_dim)
                out_dim += 1
                continue
            if isinstance(item, int):
                start = item
                starts.append(start), ends.append(start + 1 if start != -1 else INT64_MAX)
                axes.append(dim), steps.append(1)
                squeeze.append(dim)
            else:
                start, stop, step = item.start, item.stop, item.step or 1
                if (start, stop, step) != (None, None, 1):
                    if start is None:
                        start = 0 if step > 0 else -1
                    if stop is None:
                        stop = INT64_MAX if step > 0 else INT64_MIN
                    starts.append(start), ends.append(stop), axes.append(dim), steps.append(step)
                out_dim += 1
            dim += 1
        out = self.slice(x, starts, ends, axes, steps) if axes else x
        if squeeze:
            out = self.squeeze(out, squeeze)
        if unsqueeze:
            out = self.unsqueeze(out, unsqueeze)
        return out if out != x else self.node("Identity", [x])

    def advanced_index(self, x, *indices, index):
        """x[spec] where the spec holds index tensors, with NumPy's rules: masks become their
        nonzero positions, ints and index tensors broadcast together and pick by GatherND over the
        indexed dims moved first; the result's indexed dims stand where the first one was when
        they are adjacent, else in front."""
        items = _expand_ellipsis(index, len(self.shape(x)) + sum(1 for i in (index if isinstance(index, tuple)
                                                                              else (index,)) if i is None))
        if any(i is None for i in items):
            raise OnnxExportError(f"export: an index mixing None with index tensors ({index!r}) has no ONNX form here")
        picks, rest, starts, ends, axes, steps = [], [], [], [], [], []
        d = 0
        for item in items:
            if isinstance(item, Slot):
                idx = indices[item.i]
                if self.dtype(idx) is _dt.bool_:
                    k = self.rank(idx)
                    rows = self.node("NonZero", [idx])
                    for j in range(k):
                        picks.append((d + j, self.squeeze(self.slice(rows, [j], [j + 1], [0]), [0])))
                    d += k
                    continue
                picks.append((d, self.cast(idx, _dt.int64) if self.dtype(idx) is not _dt.int64 else idx))
            elif isinstance(item, int):
                picks.append((d, self.scalar(item, _dt.int64)))
            else:
                rest.append(d)
                if item != slice(None):
                    step = item.step or 1
                    start = item.start if item.start is not None else (0 if step > 0 else -1)
                    stop = item.stop if item.stop is not None else (INT64_MAX if step > 0 else INT64_MIN)
                    starts.append(start), ends.append(stop), axes.append(d), steps.append(step)
            d += 1
        rank = self.rank(x)
        rest += list(range(d, rank))
        if axes:
            x = self.slice(x, starts, ends, axes, steps)
        dims = [p for p, _ in picks]
        moved = self.node("Transpose", [x], perm=dims + rest) if dims + rest != list(range(rank)) else x
        columns = [self.unsqueeze(name, [-1]) for _, name in picks]
        if len(columns) > 1:  # broadcast the index tensors to one shape, then stack them
            shape = self.node("Shape", [self.node("Add", [self.node("Mul", [c, self.scalar(0, _dt.int64)])
                                                          for c in columns[:2]])])
            for c in columns[2:]:
                shape = self.node("Shape", [self.node("Add", [self.node("Expand", [self.scalar(0, _dt.int64), shape]),
                                                              self.node("Mul", [c, self.scalar(0, _dt.int64)])])])
            columns = [self.node("Expand", [c, shape]) for c in columns]
        stacked = columns[0] if len(columns) == 1 else self.node("Concat", columns, axis=-1)
        out = self.node("GatherND", [moved, stacked])
        adjacent = dims == list(range(dims[0], dims[0] + len(dims)))
        if adjacent and dims[0] > 0:  # the picked dims go back where the first indexed dim was
            n_index = len(self.current_outs[0][0]) - len(rest)
            lead = dims[0]
            perm = list(range(n_index, n_index + lead)) + list(range(n_index)) + \
                list(range(n_index + lead, len(self.current_outs[0][0])))
            out = self.node("Transpose", [out], perm=perm)
        return out

    def flatten_to(self, x, start_dim, end_dim, out_shape):
        rank = self.rank(x)
        start = start_dim % rank if rank else 0
        end = end_dim % rank if rank else 0
        if start == 1 and end == rank - 1 and rank >= 2:
            return self.node("Flatten", [x], axis=1)
        return self.reshape(x, out_shape)

    def stack(self, tensors, dim):
        rank = self.rank(tensors[0]) + 1
        d = dim % rank
        return self.node("Concat", [self.unsqueeze(t, [d]) for t in tensors], axis=d)

    def split_to(self, x, dim, out_shapes):
        d = dim % self.rank(x)
        sizes = [s[d] for s in out_shapes]
        if len(sizes) == 1:
            return (self.node("Identity", [x]),)
        return self.split(x, sizes, d)

    def unbind(self, x, dim):
        d = dim % self.rank(x)
        n = self.shape(x)[d]
        parts = self.split(x, [1] * n, d) if n > 1 else (x,)
        return tuple(self.squeeze(p, [d]) for p in parts)

    def repeat(self, x, sizes):
        rank = self.rank(x)
        if len(sizes) > rank:
            x = self.reshape(x, [1] * (len(sizes) - rank) + list(self.shape(x)))
        return self.node("Tile", [x, self.ints(sizes)])

    def squeeze_dims(self, x, dim):
        shape = self.shape(x)
        if dim is None:
            dims = [i for i, s in enumerate(shape) if s == 1]
        else:
            dims = [d % len(shape) for d in ((dim,) if isinstance(dim, int) else dim) if shape[d] == 1]
        return self.squeeze(x, dims) if dims else self.node("Identity", [x])

    def transpose_dims(self, x, dim0, dim1):
        rank = self.rank(x)
        if rank < 2:
            return self.node("Identity", [x])
        perm = list(range(rank))
        perm[dim0 % rank], perm[dim1 % rank] = perm[dim1 % rank], perm[dim0 % rank]
        return self.node("Transpose", [x], perm=perm)


def _expand_ellipsis(index, rank):
    items = list(index) if isinstance(index, tuple) else [index]
    if Ellipsis in items:
        at = items.index(Ellipsis)
        taken = sum(1 for i in items if i is not None and i is not Ellipsis)
        items = items[:at] + [slice(None)] * (rank - taken) + items[at + 1:]
    return items
