"""One recorded op application on the tape."""
from ..backend.dtypes import DType as _DType
from ..errors import AutogradError
from .tensor import Tensor as _Tensor, init_fields as _init

_new = object.__new__
_DTYPES = _DType._by_np


class Node:
    """Records op + inputs so backward can call the op's backward rule.

    Inputs are kept as Tensors (the backward rule calls ops on them). Outputs are kept as raw
    arrays only when the op needs them, and rebuilt as Tensors attached to this node on demand,
    so no reference cycle Tensor -> Node -> Tensor is created.
    """
    __slots__ = ("op", "attrs", "inputs", "in_versions", "out_data", "out_vcs", "out_versions",
                 "device", "edges", "n_outputs", "out_meta", "hooks", "pending", "waiting",
                 "__weakref__")

    def __init__(self, op, inputs, attrs, outputs):
        self.op = op
        self.attrs = attrs
        self.inputs = inputs
        if not op.saves_inputs:
            self.in_versions = None
        elif len(inputs) == 2:
            self.in_versions = (inputs[0]._vc[0], inputs[1]._vc[0])
        else:
            self.in_versions = [t._vc[0] for t in inputs]
        n = self.n_outputs = len(outputs)
        # (device and out_meta are only read for saved outputs and multi-output ops: set them then)
        if n == 1:
            if op.saves_outputs:
                out = outputs[0]
                self.out_data = [out._data]
                self.out_vcs = [out._vc]
                self.out_versions = [out._vc[0]]
                self.device = out._device
            else:
                self.out_data = None
        else:
            self.device = outputs[0]._device
            self.out_meta = [(o._data.shape, o._dtype) for o in outputs]
            if op.saves_outputs:
                self.out_data = [o._data for o in outputs]
                self.out_vcs = [o._vc for o in outputs]
                self.out_versions = [o._vc[0] for o in outputs]
            else:
                self.out_data = None
        self.edges = self.hooks = self.pending = None

    # ---- the view a backward rule sees (ctx) -----------------------------------------------
    def output(self, i=0):
        """Saved output i as a Tensor attached to this node (so grad-of-grad flows through it),
        sharing the original output's version counter."""
        data = self.out_data[i]
        y = _init(_new(_Tensor), data, self.device, _DTYPES[data.dtype], self.out_vcs[i], False)
        y.requires_grad, y._node, y._idx = True, self, i
        return y

    @property
    def outputs(self):
        return tuple(self.output(i) for i in range(self.n_outputs))

    def edges_list(self):
        """Per input: (node, output index) for an op output, a leaf Tensor, or None."""
        edges = self.edges
        if edges is None:
            nondiff = self.op.nondiff_inputs
            if nondiff:
                edges = [None if i in nondiff else _edge(t) for i, t in enumerate(self.inputs)]
            elif len(self.inputs) == 2:  # the common arities, with _edge inlined (this runs per recorded op)
                a, b = self.inputs
                edges = (None if not a.requires_grad else a if a._node is None else (a._node, a._idx),
                         None if not b.requires_grad else b if b._node is None else (b._node, b._idx))
            elif len(self.inputs) == 1:
                a = self.inputs[0]
                edges = (None if not a.requires_grad else a if a._node is None else (a._node, a._idx),)
            else:
                edges = [_edge(t) for t in self.inputs]
            self.edges = edges
        return edges

    def needs_input_grad(self, i):
        return self.edges_list()[i] is not None

    def __repr__(self):
        return f"<{self.op.name}Backward>"

    def name(self):
        return f"{self.op.name}Backward"

    @property
    def freed(self):
        """Backward freed the saved values (every node has inputs until then)."""
        return not self.inputs

    def check_alive(self):
        if not self.inputs:
            raise AutogradError(
                f"trying to backward through the graph a second time (op '{self.op.name}'): its saved "
                "values were freed after the first .backward(). Pass retain_graph=True to the first call.")

    def check_versions(self):
        for t, v in zip(self.inputs, self.in_versions or ()):
            if t._vc[0] != v:
                raise AutogradError(
                    f"a tensor of shape {tuple(t.shape)} saved by op '{self.op.name}' for backward was "
                    f"modified by an in-place operation (version {v} -> {t._vc[0]}). Use an out-of-place "
                    "op (e.g. x = x + 1 instead of x += 1) or .clone() before modifying it.")
        if self.out_data is not None:
            for vc, v in zip(self.out_vcs, self.out_versions):
                if vc[0] != v:
                    raise AutogradError(
                        f"the output of op '{self.op.name}', needed for its backward, was modified by an "
                        "in-place operation. Use an out-of-place op or .clone() first.")

    def free(self):
        self.inputs = ()
        self.out_data = None


def _edge(t):
    """Where a gradient for input t goes: its producer (node, output index), the leaf itself, or nowhere."""
    if not t.requires_grad:
        return None
    node = t._node
    return t if node is None else (node, t._idx)

