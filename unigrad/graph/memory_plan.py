"""Memory planning for a plan: liveness, in-place reuse, and preallocated output buffers.

Three decisions per node, made once when the plan is built from the facts each op declares
(`OpDef.compiled`):
  - in place: an op with an in-place rule whose first operand (either operand, for a
    commutative op) dies at this node and owns its memory writes its result over it (no
    allocation at all);
  - pooled: an op with an `out=` kernel (ufuncs, relu, matmul, linear, im2col, batch-1 max
    pooling) writes into a buffer allocated once for the plan; buffers are shared by values
    whose lifetimes do not overlap (best fit by size, raw bytes viewed as each value's shape);
  - otherwise the kernel allocates its result, which is dropped after its last reader.
Values returned to the caller or written back into captured tensors never live in pooled
buffers, since those are overwritten by the next run.
"""
import functools

import numpy

from ..ops.registry import BuildOut


class InPlace:
    """Kernel marker: call `ufunc` (a ufunc, or any kernel taking out=) on the node's operands
    with operand `over` as `out` (codegen emits the call inline)."""
    __slots__ = ("ufunc", "over")

    def __init__(self, ufunc, over=0):
        self.ufunc, self.over = ufunc, over

    def __call__(self, *operands):
        return self.ufunc(*operands, out=operands[self.over])


def in_place_kernels(node, xp):
    """(kernel writing over operand 0, kernel writing over operand 1 or None) for a node whose op
    can run in place (its `compiled.in_place`), else None; each takes the operands in the
    node's order plus out=."""
    facts = node.op.compiled
    rule = facts.in_place
    if rule is None or not node.inputs:
        return None
    if rule.ufunc is not None:
        fn = getattr(xp, rule.ufunc)
        return fn, (fn if facts.commutative else None)
    if xp is not numpy:  # the op's own kernels are NumPy code
        return None
    return rule.over_first, rule.over_second


def out_kernel(node, out):
    """A kernel writing node's result into the array `out` (the op's `compiled.out`), or None
    when it has none (with out=None: a true value when it has one)."""
    kind = node.op.compiled.out
    if kind is None:
        return None
    if isinstance(kind, BuildOut):
        return kind.build(node.inputs, node.attrs, out)
    if node.attrs:  # ufuncs and plain out= kernels take operands only
        return None
    if isinstance(kind, str):
        kind = getattr(numpy, kind)
        if kind.nin != len(node.inputs) or kind.nout != 1:
            return None
    return functools.partial(kind, out=out)


def result_aliases_input(node):
    """Whether the node's result may be (a view of) its first input's memory."""
    op = node.op
    if op.view:
        return True
    may = op.compiled.may_alias
    return may(node) if callable(may) else bool(may)


def liveness(graph):
    """(last, root): the index of the last node reading each value, where reading a view counts
    as reading its base; and each view's base value."""
    root = {}
    for node in graph.nodes:
        aliasing = bool(node.inputs) and result_aliases_input(node)
        for v in node.outputs:
            root[v] = root.get(node.inputs[0], node.inputs[0]) if aliasing else v
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
