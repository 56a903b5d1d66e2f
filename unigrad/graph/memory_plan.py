"""Memory planning for a plan: liveness, in-place reuse, and preallocated output buffers.

Three decisions per node, made once when the plan is built:
  - in place: an elementwise op whose first operand (either operand, for a commutative ufunc)
    dies at this node and owns its memory writes its result over it (no allocation at all);
  - pooled: an op with an `out=` kernel (ufuncs, relu, matmul, linear, im2col, batch-1 max
    pooling) writes into a buffer allocated once for the plan; buffers are shared by values
    whose lifetimes do not overlap (best fit by size, raw bytes viewed as each value's shape);
  - otherwise the kernel allocates its result, which is dropped after its last reader.
Values returned to the caller or written back into captured tensors never live in pooled
buffers, since those are overwritten by the next run.
"""
import functools

import numpy


# elementwise ops that can write into their first operand's buffer: op name -> ufunc name
INPLACE_UFUNCS = {"add": "add", "sub": "subtract", "mul": "multiply", "neg": "negative", "exp": "exp",
                  "tanh": "tanh", "sqrt": "sqrt", "maximum": "maximum", "minimum": "minimum"}
COMMUTATIVE = {"add", "multiply", "maximum", "minimum"}  # ufunc names whose operands may swap
# ops whose result is always a new array nobody else references
# (im2col is not one: for a 1x1 window over contiguous memory its result is a view of the input)
FRESH_RESULTS = {"matmul", "linear", "axpby", "col2im", "tanh_backward", "sigmoid_backward", "threshold_backward",
                 "window_scatter", "softmax", "log_softmax", "relu", "sigmoid", "div", "pow", "clone", "pad",
                 "cat", "index", "gather", "scatter_add", "index_put", "where", "max_pool2d_values", "fused"}


class InPlace:
    """Kernel marker: call `ufunc` (a ufunc, or any kernel taking out=) on the node's operands
    with operand `over` as `out` (codegen emits the call inline)."""
    __slots__ = ("ufunc", "over")

    def __init__(self, ufunc, over=0):
        self.ufunc, self.over = ufunc, over

    def __call__(self, *operands):
        return self.ufunc(*operands, out=operands[self.over])


def in_place_kernels(node, xp):
    """(kernel writing over operand 0, kernel writing over operand 1 or None) for a node that can
    run in place, else None; each takes the operands in the node's order plus out=."""
    name = node.op.name
    if name == "axpby" and xp is numpy:  # alpha*x + beta*y over y, or over x
        from ..ops.elementwise.scaled_add import axpby_into, axpby_over_x
        return axpby_into, axpby_over_x
    if name == "threshold_backward" and xp is numpy:  # g * (y > 0) over g
        from ..ops.activation.pointwise import threshold_backward_into
        return threshold_backward_into, None
    ufunc = INPLACE_UFUNCS.get(name)
    if ufunc is None or not node.inputs:
        return None
    fn = getattr(xp, ufunc)
    return fn, (fn if ufunc in COMMUTATIVE else None)


def out_kernel(node, out):
    """A kernel writing node's result into the array `out`, or None when the op has none
    (with out=None: a true value when it has one)."""
    op = node.op
    name = op.name
    if name == "matmul":
        from ..ops.linalg.matmul import split_k_matmul, splits_inner_dim
        a, b = node.inputs
        return functools.partial(split_k_matmul if splits_inner_dim(a.shape, b.shape) else numpy.matmul, out=out)
    if name == "linear":
        from ..ops.linalg.matmul import linear_into
        return functools.partial(linear_into, out=out)
    if name == "axpby":
        from ..ops.elementwise.scaled_add import axpby_into
        return functools.partial(axpby_into, out=out)
    if name == "im2col":
        from ..ops.conv.im2col import im2col_into_kernel
        x = node.inputs[0]
        return im2col_into_kernel(x.shape, x.dtype.np, out, **node.attrs) if out is not None else True
    if name == "max_pool2d_values":
        from ..ops.conv.max_pool import max_values_into_kernel
        x = node.inputs[0]
        return max_values_into_kernel(x.shape, x.dtype.np, out, **node.attrs)
    if node.attrs:
        return None
    if name == "relu":
        from ..ops.activation.pointwise import relu_into
        return functools.partial(relu_into, out=out)
    if name == "threshold_backward":
        from ..ops.activation.pointwise import threshold_backward_into
        return functools.partial(threshold_backward_into, out=out)
    ufunc = op.array_fn if isinstance(op.array_fn, numpy.ufunc) else None
    if ufunc is None and name in INPLACE_UFUNCS:
        ufunc = getattr(numpy, INPLACE_UFUNCS[name])
    elif ufunc is None and name == "div":
        ufunc = numpy.true_divide
    if ufunc is None or ufunc.nin != len(node.inputs) or ufunc.nout != 1:
        return None
    return functools.partial(ufunc, out=out)


def liveness(graph):
    """(last, root): the index of the last node reading each value, where reading a view counts
    as reading its base; and each view's base value."""
    root = {}
    for node in graph.nodes:
        op = node.op
        aliasing = not isinstance(op, str) and (op.view or op.name in ("contiguous", "reshape") or (
            op.name == "sum_to" and node.inputs[0].shape == node.outputs[0].shape))  # else it reduces: a new array
        for v in node.outputs:
            root[v] = root.get(node.inputs[0], node.inputs[0]) if aliasing and node.inputs else v
    last = {}
    for i, node in enumerate(graph.nodes):
        for v in node.inputs:
            last[v] = i
            base = root.get(v, v)
            last[base] = max(last.get(base, -1), i)
    for v in list(root):  # a base stays alive as long as any view of it is read
        base = root[v]
        if v in last:
            last[base] = max(last.get(base, -1), last[v])
    for out in graph.outputs:
        base = root.get(out, out)
        last[base] = len(graph.nodes)
    return last, root


class BufferPool:
    """Assigns pooled values to raw byte buffers so that no two live values share one."""

    def __init__(self):
        self.sizes = []      # bytes per buffer
        self.free = []       # buffer indices not holding a live value
        self.holder = {}     # value -> buffer index
        self.members = []    # (value, buffer index) for every pooled value

    def take(self, value, nbytes):
        fits = [b for b in self.free if self.sizes[b] >= nbytes]
        if fits:
            b = min(fits, key=self.sizes.__getitem__)
        elif self.free:  # grow the largest free buffer rather than add another
            b = max(self.free, key=self.sizes.__getitem__)
            self.sizes[b] = nbytes
        else:
            b = len(self.sizes)
            self.sizes.append(nbytes)
        if b in self.free:
            self.free.remove(b)
        self.holder[value] = b
        self.members.append((value, b))

    def hand_over(self, old, new):
        """`new` was computed in place over `old`: it now holds old's buffer."""
        self.holder[new] = self.holder.pop(old)

    def release(self, value):
        b = self.holder.pop(value, None)
        if b is not None:
            self.free.append(b)

    def views(self):
        """value -> array over its buffer (allocated now, once for the plan)."""
        raw = [numpy.empty(n, dtype=numpy.uint8) for n in self.sizes]
        out = {}
        for v, b in self.members:
            dtype = numpy.dtype(v.dtype.np)
            n = int(numpy.prod(v.shape, dtype=numpy.int64)) * dtype.itemsize
            out[v] = raw[b][:n].view(dtype).reshape(v.shape)
        return out

    @property
    def nbytes(self):
        return sum(self.sizes)
