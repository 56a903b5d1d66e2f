"""The emitter: what an op's export rule (OpDef.onnx) writes ONNX nodes through.

A rule sees input names and the op's attributes, and calls `e.node(op_type, inputs, **attrs)`;
helpers cover what depends on the opset (axes as inputs or attributes) and sizes that are
symbolic (`e.ints((B, 800))` computes B from an input's Shape). The emitter knows the shape and
dtype of every value of the program it lowers (`e.shape(name)`, `e.dtype(name)`).
"""
import numpy as np
from onnx import helper, numpy_helper

from ...backend import dtypes as _dt
from ...graph.symbolic_sizes import Dim
from ..dtypes import to_onnx
from ..errors import OnnxExportError
from .lowerings import MathLowerings, MovementLowerings
from .lowerings_nn import NNLowerings


class Names:
    """Unique value and node names across a model and its subgraphs."""

    def __init__(self):
        self.used = set()
        self.counts = {}

    def fresh(self, hint):
        hint = hint or "v"
        n = self.counts.get(hint, 0)
        name = f"{hint}_{n}"
        while name in self.used:
            n += 1
            name = f"{hint}_{n}"
        self.counts[hint] = n + 1
        self.used.add(name)
        return name

    def claim(self, name):
        if name in self.used:
            raise OnnxExportError(f"export: the name {name!r} is given twice (input, output and weight names must "
                                  "be unique)")
        self.used.add(name)
        return name


class Initializers:
    """The model's initializers, small equal constants shared."""

    def __init__(self, names):
        self.names = names
        self.tensors = []
        self._small = {}

    def add(self, array, name=None, hint="const"):
        """The name of a new initializer holding array (`name`, or a fresh one from `hint`)."""
        array = np.asarray(array)
        key = None
        if name is None and hint == "const" and array.size <= 16 and array.dtype != object:
            key = (array.dtype.str, array.shape, array.tobytes())
            if key in self._small:
                return self._small[key]
        name = self.names.claim(name) if name is not None else self.names.fresh(hint)
        contiguous = np.array(array, order="C", copy=not array.flags.c_contiguous)  # (0-d stays 0-d)
        self.tensors.append(numpy_helper.from_array(contiguous, name))
        if key is not None:
            self._small[key] = name
        return name


class Emitter(MathLowerings, MovementLowerings, NNLowerings):
    """Writes the nodes of one graph (the model's, or a subgraph's) at one opset; the lowerings
    it inherits are the multi-node forms the op files' rules call."""

    def __init__(self, opset, names, initializers, parent=None):
        self.opset = opset
        self.names = names
        self.initializers = initializers
        self.parent = parent
        self.nodes = []
        self.specs = {}        # value name -> (shape, unigrad dtype)
        self.dim_sources = {}  # symbol Dim -> (value name, axis)
        self._dims = {}        # Dim -> name of its 1-element int64 tensor

    # ---- what rules call ------------------------------------------------------------------
    def node(self, op_type, inputs, outputs=1, domain="", name=None, **attrs):
        """Add one node; returns its output name (or a tuple of names when outputs > 1).
        `inputs` may hold None for an absent optional input; `outputs` may be a list of names."""
        out_names = list(outputs) if isinstance(outputs, (list, tuple)) else [
            self.names.fresh(op_type.lower()) for _ in range(outputs)]
        ins = ["" if i is None else i for i in inputs]
        while ins and ins[-1] == "":
            ins.pop()
        attrs = {k: v for k, v in attrs.items() if v is not None}
        self.nodes.append(helper.make_node(op_type, ins, out_names, name=name or self.names.fresh(op_type),
                                           domain=domain or None, **attrs))
        return out_names[0] if len(out_names) == 1 and not isinstance(outputs, (list, tuple)) else tuple(out_names)

    def const(self, value, dtype=None, name=None):
        """An initializer holding `value` (an array or number) in `dtype` (a unigrad dtype)."""
        array = np.asarray(value, dtype=dtype.np if dtype is not None else None)
        out = self.initializers.add(array, name)
        self.specs.setdefault(out, (array.shape, _dt.to_dtype(array.dtype)))
        return out

    def scalar(self, value, dtype):
        """A 0-d constant of `dtype`."""
        return self.const(np.asarray(value, dtype=dtype.np))

    def ints(self, values):
        """A 1-D int64 tensor of `values`, whose entries may be symbolic sizes."""
        values = list(values)
        if all(not isinstance(v, Dim) for v in values):
            return self.const(np.asarray([int(v) for v in values], dtype=np.int64))
        pieces, run = [], []
        for v in values:
            if isinstance(v, Dim):
                if run:
                    pieces.append(self.const(np.asarray(run, dtype=np.int64)))
                    run = []
                pieces.append(self.dim(v))
            else:
                run.append(int(v))
        if run:
            pieces.append(self.const(np.asarray(run, dtype=np.int64)))
        return pieces[0] if len(pieces) == 1 else self.node("Concat", pieces, axis=0)

    def dim(self, d):
        """The name of a 1-element int64 tensor holding size d (an int or a symbolic Dim)."""
        if not isinstance(d, Dim):
            return self.const(np.asarray([int(d)], dtype=np.int64))
        found = self._dims.get(d)
        if found is not None:
            return found
        kind, a = d.kind, d.args
        if kind == "sym":
            source = self.dim_sources.get(d)
            if source is None:
                raise OnnxExportError(f"export: the size {d!r} has no input dimension it is read from")
            name, axis = source
            if self.opset >= 15:
                out = self.node("Shape", [name], start=axis, end=axis + 1)
            else:
                out = self.node("Gather", [self.node("Shape", [name]), self.const(np.asarray([axis], np.int64))],
                                axis=0)
        elif kind == "lin":
            k, base, c = a
            out = self.dim(base)
            if k != 1:
                out = self.node("Mul", [out, self.dim(k)])
            if c != 0:
                out = self.node("Add", [out, self.dim(c)])
        elif kind == "mul":
            out = self.node("Mul", [self.dim(a[0]), self.dim(a[1])])
        else:
            base, c, div = a
            out = self.dim(base)
            if c != 0:
                out = self.node("Add", [out, self.dim(c)])
            out = self.node("Div", [out, self.dim(div)])
        self._dims[d] = out
        return out

    def size(self, d):
        """A 0-d int64 tensor holding size d."""
        if not isinstance(d, Dim):
            return self.const(np.asarray(int(d), dtype=np.int64))
        return self.squeeze(self.dim(d), [0])

    def shape(self, name):
        """The shape of a value (ints, or Dims where symbolic)."""
        return self._spec(name)[0]

    def dtype(self, name):
        """The unigrad dtype of a value."""
        return self._spec(name)[1]

    def rank(self, name):
        return len(self.shape(name))

    def _spec(self, name):
        e = self
        while e is not None:
            if name in e.specs:
                return e.specs[name]
            e = e.parent
        raise OnnxExportError(f"export: no shape is known for the value {name!r} (an export rule asked for it)")

    def set_spec(self, name, shape, dtype):
        self.specs[name] = (tuple(shape), dtype)

    @staticmethod
    def onnx_type(dtype):
        return to_onnx(dtype)

    # ---- helpers whose form depends on the opset ---------------------------------------------
    def cast(self, x, dtype):
        return self.node("Cast", [x], to=to_onnx(dtype))

    def unsqueeze(self, x, axes):
        if self.opset >= 13:
            return self.node("Unsqueeze", [x, self.ints(axes)])
        return self.node("Unsqueeze", [x], axes=list(axes))

    def squeeze(self, x, axes=None):
        if axes is None:
            return self.node("Squeeze", [x])
        if self.opset >= 13:
            return self.node("Squeeze", [x, self.ints(axes)])
        return self.node("Squeeze", [x], axes=list(axes))

    def reduce(self, op_type, x, axes, keepdims):
        """A Reduce* node over `axes` (None: all)."""
        keep = int(bool(keepdims))
        as_input = self.opset >= (13 if op_type == "ReduceSum" else 18)
        if axes is None:
            return self.node(op_type, [x], keepdims=keep)
        if as_input:
            return self.node(op_type, [x, self.ints(axes)], keepdims=keep)
        return self.node(op_type, [x], axes=list(axes), keepdims=keep)

    def split(self, x, sizes, axis):
        outputs = len(sizes)
        if self.opset >= 13:
            return self.node("Split", [x, self.ints(sizes)], outputs=outputs, axis=axis)
        return self.node("Split", [x], outputs=outputs, axis=axis, split=[int(s) for s in sizes])

    def slice(self, x, starts, ends, axes, steps=None):
        ins = [x, self.ints(starts), self.ints(ends), self.ints(axes)]
        if steps is not None and any(s != 1 for s in steps):
            ins.append(self.ints(steps))
        return self.node("Slice", ins)

    def pad(self, x, pads, value=None, mode="constant", dtype=None):
        """pads: ONNX order (all begins, then all ends); dtype: x's, when x is not a program value."""
        ins = [x, self.ints(pads)]
        if value is not None and mode == "constant":
            ins.append(self.scalar(value, dtype or self.dtype(x)))
        return self.node("Pad", ins, mode=mode)

    def clip(self, x, low=None, high=None):
        dtype = self.dtype(x)
        return self.node("Clip", [x, None if low is None else self.scalar(low, dtype),
                                  None if high is None else self.scalar(high, dtype)])

    def reshape(self, x, shape):
        """Reshape to `shape`: a symbolic size becomes -1 when it is the only one, as ONNX infers it."""
        shape = list(shape)
        symbolic = [i for i, s in enumerate(shape) if isinstance(s, Dim)]
        if len(symbolic) == 1 and all(s != 0 for s in shape if not isinstance(s, Dim)):
            shape[symbolic[0]] = -1
        if any(not isinstance(s, Dim) and s == 0 for s in shape):
            if self.opset < 14:
                raise OnnxExportError("export: a reshape to a shape with a 0 size needs opset 14 or newer")
            return self.node("Reshape", [x, self.ints(shape)], allowzero=1)
        return self.node("Reshape", [x, self.ints(shape)])

    @staticmethod
    def axes(dim):
        """A reduction's dim (None, an int or a sequence) as ONNX axes (None: all)."""
        if dim is None:
            return None
        return (int(dim),) if isinstance(dim, int) else tuple(int(d) for d in dim)

    def outputs_wanted(self):
        """How many outputs the node being lowered has."""
        return len(self.current_outs)

    def if_node(self, token, pred, operands):
        """The If node of a ug.cond (control.py)."""
        from .control import if_node
        return if_node(self, token, pred, operands)

    def loop_node(self, token, inputs, n):
        """The Loop node of a ug.while_loop (control.py)."""
        from .control import loop_node
        return loop_node(self, token, inputs, n)

    def subgraph(self):
        """An emitter for a subgraph (If/Loop body), which sees this graph's values."""
        return Emitter(self.opset, self.names, self.initializers, parent=self)


def value_info(name, shape, dtype, symbol_names=None):
    """A ValueInfoProto: static sizes as dim_value, names (str) as dim_param, symbolic sizes by
    symbol_names (Dim -> name; other expressions as their text; None leaves them unnamed)."""
    dims = []
    for s in shape:
        if isinstance(s, str):
            dims.append(s)
        elif isinstance(s, Dim):
            if symbol_names is None:
                dims.append(None)
            else:
                dims.append(symbol_names.get(s, repr(s)))
        else:
            dims.append(int(s))
    return helper.make_tensor_value_info(name, to_onnx(dtype), dims)
