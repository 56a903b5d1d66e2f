"""The graph IR: SSA values with shape/dtype, nodes that name registry ops, in topological order.

One IR serves traced functions, TF1 graphs and graph gradients (gradients are traced backward
rules, i.e. ordinary nodes). A graph's inputs are
  - placeholders: fed at each call, in order;
  - captures: live Tensors (parameters, buffers) read at each call, so weight updates are seen;
  - constants: arrays fixed at trace time (scalars, folded subgraphs).
Effects write a value back into a captured Tensor after a run (BatchNorm statistics, optimizer
updates), which is how a compiled training step updates its model.
"""
import itertools


class Value:
    """An SSA value. `device` is None on the graph's device, or the device a move put it on."""
    __slots__ = ("id", "shape", "dtype", "producer", "index", "kind", "name", "device")

    def __init__(self, id, shape, dtype, producer=None, index=0, kind="node", name=None, device=None):
        self.id, self.shape, self.dtype = id, tuple(shape), dtype
        self.producer, self.index, self.kind, self.name, self.device = producer, index, kind, name, device

    def __repr__(self):
        return f"%{self.name or self.id}"

    def spec(self):
        dims = ", ".join("?" if d is None else str(d) for d in self.shape)
        return f"{self.dtype.name}[{dims}]"


# what a traced graph carries beside its nodes about the state around it (trace_guards.py): the
# same for every trace of one function, so a generalised graph copies them as they are
RUN_STATE = ("bindings", "grads_cleared", "grads_left_none", "grad_guards", "mode_guards", "value_guards", "pre_run")


class InputWrite:
    """A binding: the output is the new value of input `index`, which the function changed in place."""
    __slots__ = ("index",)

    def __init__(self, index):
        self.index = index

    def __eq__(self, other):
        return isinstance(other, InputWrite) and other.index == self.index

    def __hash__(self):
        return hash(("InputWrite", self.index))


class Node:
    __slots__ = ("op", "inputs", "attrs", "outputs", "site")

    def __init__(self, op, inputs, attrs, site=None):
        self.op, self.inputs, self.attrs, self.outputs, self.site = op, list(inputs), dict(attrs), [], site

    @property
    def name(self):
        return repr(self.op) if self.op.name == "fused" else self.op.name

    def __repr__(self):
        return f"<node {self.name}>"


class Graph:
    def __init__(self, device=None):
        self.device = device
        self.placeholders = []     # Values fed per call
        self.captures = []         # (Value, Tensor) read live per call
        self.constants = {}        # Value -> array
        self.nodes = []            # topological order
        self.outputs = []          # Values returned
        self.effects = []          # (Tensor, Value): write Value into the Tensor after a run
        # the last len(bindings) outputs are handed back after a run: a gradient bound to its
        # target's .grad (a parameter Tensor, or an int: that placeholder's Tensor), or an
        # InputWrite: the new value of an input the function changed in place
        self.bindings = []
        self.grad_captures = {}    # capture Value -> leaf: the value is leaf.grad as the run begins
        self.grads_cleared = []    # leaves (or input indices) whose .grad is dropped as a run begins
        self.grads_left_none = []  # ... and whose .grad is None after a run (zero_grad at the end)
        self.grad_guards = []      # (leaf, was None): the graph assumes leaf.grad is (not) None at entry
        self.scalar_guards = []    # (weak ref, version counter, version) of 0-d tensors baked as constants
        self.mode_guards = []      # (weak ref, training) of the Modules the graph was traced through
        self.value_guards = []     # (dict, key, value): Python values baked in (hyperparameters)
        self.pre_run = []          # (tensor, dict, key): tensor <- dict[key] before each run (live lr)
        self._ids = itertools.count()

    # ---- building -------------------------------------------------------------------------
    def new_value(self, shape, dtype, producer=None, index=0, kind="node", name=None, device=None):
        return Value(next(self._ids), shape, dtype, producer, index, kind, name, device)

    def placeholder(self, shape, dtype, name=None):
        v = self.new_value(shape, dtype, kind="placeholder", name=name or f"in{len(self.placeholders)}")
        self.placeholders.append(v)
        return v

    def capture(self, tensor, name=None):
        v = self.new_value(tensor.shape, tensor.dtype, kind="capture", name=name or f"w{len(self.captures)}",
                           device=None if tensor.device is self.device else tensor.device)
        self.captures.append((v, tensor))
        return v

    def constant(self, array, dtype):
        v = self.new_value(array.shape, dtype, kind="constant")
        self.constants[v] = array
        return v

    def add_node(self, op, inputs, attrs, out_specs, site=None):
        node = Node(op, inputs, attrs, site)
        # results live where the op puts them (to_device, factories) or where its first operand lives
        device = attrs[op.device_attr] if op.device_attr else inputs[0].device if inputs else None
        device = None if device is self.device else device
        node.outputs = [self.new_value(shape, dtype, node, i, device=device)
                        for i, (shape, dtype) in enumerate(out_specs)]
        self.nodes.append(node)
        return node

    # ---- reading ----------------------------------------------------------------------------
    def device_of(self, v):
        """The device value v lives on."""
        return v.device or self.device

    def leaving_values(self):
        """The values that leave a run: outputs and the values written into captured tensors."""
        return set(self.outputs) | {v for _, v in self.effects}

    @property
    def user_outputs(self):
        """The outputs the traced function returned (without the gradients bound to .grad)."""
        return self.outputs[:len(self.outputs) - len(self.bindings)]

    def users(self):
        """Value -> list of nodes reading it."""
        out = {}
        for node in self.nodes:
            for v in node.inputs:
                out.setdefault(v, []).append(node)
        return out

    def __str__(self):
        lines = ["graph(" + ", ".join(f"{v!r}: {v.spec()}" for v in self.placeholders) + ") {"]
        for v, t in self.captures:
            lines.append(f"  {v!r}: {v.spec()} = capture")
        for v, arr in self.constants.items():
            body = f"{arr.item():g}" if getattr(arr, "size", 2) == 1 else f"array{tuple(arr.shape)}"
            lines.append(f"  {v!r}: {v.spec()} = constant {body}")
        for node in self.nodes:
            outs = ", ".join(f"{v!r}: {v.spec()}" for v in node.outputs)
            args = ", ".join(repr(v) for v in node.inputs)
            attrs = "".join(f", {k}={_short(a)}" for k, a in node.attrs.items())
            site = f"  # {node.site}" if node.site else ""
            lines.append(f"  {outs} = {node.name}({args}{attrs}){site}")
        for tensor, v in self.effects:
            lines.append(f"  assign {v!r} -> capture of shape {tuple(tensor.shape)}")
        grads = self.outputs[len(self.user_outputs):]
        for target, v in zip(self.bindings, grads):
            if isinstance(target, InputWrite):
                lines.append(f"  assign {v!r} -> input {target.index}")
                continue
            owner = f"input {target}" if isinstance(target, int) else f"capture of shape {tuple(target.shape)}"
            lines.append(f"  {v!r} -> .grad of {owner}")
        lines.append("  return " + ", ".join(repr(v) for v in self.user_outputs))
        lines.append("}")
        return "\n".join(lines)


def _short(value):
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
