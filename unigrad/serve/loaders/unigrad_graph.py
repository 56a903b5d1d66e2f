"""Saved compiled graphs (`ug.jit.save`): the server's native format.

Shape-generic graphs (`ug.jit.trace(model, (x,), dynamic_batch=True)`) run any batch size
without retracing: each new input shape instantiates the saved graph once."""
import numpy as np

from ...core.grad_mode import no_grad
from ...errors import calling_site
from ...core.tensor import as_tensor
from ...graph import jit
from ...graph.structure import flatten
from ...graph.symbolic_sizes import Dim
from ..errors import ModelLoadError
from ..model import Runner, TensorSpec
from . import Loader, register


class GraphRunner(Runner):
    """Runs a LoadedGraph on NumPy arrays."""
    platform = "unigrad_graph"

    def __init__(self, path, device):
        try:
            with calling_site(path):  # errors name the file, not a server thread's frame
                self.graph = jit.load(path, device=device)
        except Exception as exc:  # the loader's own errors already say what is wrong with the file
            raise ModelLoadError(str(exc)) from None
        self.files = (path,)
        self.device = device
        generic = self.graph.generic
        if generic is not None:
            places = [(shape, dt, name) for shape, dt, name in generic.placeholders]
            outs = [_generic_output(generic, ref) for ref in generic.outputs]
        else:
            places = [(v.shape, v.dtype, f"input.{i}") for i, v in enumerate(self.graph.graph.placeholders)]
            outs = [(v.shape, v.dtype) for v in self.graph.graph.outputs]
        self.inputs = tuple(TensorSpec(name, _np(dt), _dims(shape)) for shape, dt, name in places)
        names = _output_names(self.graph.out_spec, len(outs))
        self.outputs = tuple(TensorSpec(n, _np(dt), _dims(shape)) for n, (shape, dt) in zip(names, outs))
        self.batch_axis = generic is not None and _shares_batch_axis([p[0] for p in places], [o[0] for o in outs])

    def run(self, arrays):
        with no_grad():
            result = self.graph(*[as_tensor(np.ascontiguousarray(a), device=self.device) for a in arrays])
        flat = []
        flatten(result, flat)
        return [t.numpy() if t.device.type == "cpu" else t.cpu().numpy() for t in flat]


def _np(dtype):
    return np.dtype(dtype.name)


def _dims(shape):
    return tuple(d if isinstance(d, int) else -1 for d in shape)


def _generic_output(generic, ref):
    kind = ref[0]
    if kind == "n":
        return generic.nodes[ref[1]][3][ref[2]]
    if kind == "p":
        shape, dt, _ = generic.placeholders[ref[1]]
        return shape, dt
    if kind == "w":
        t = generic.captures[ref[1]]
        return tuple(t.shape), t.dtype
    raise ModelLoadError("the graph returns one of its constants; the server serves graphs whose outputs "
                         "are computed from their inputs")


def _output_names(out_spec, count):
    """dict keys when the traced function returned a dict, else output.<i>."""
    kind, body = out_spec
    if kind == "dict" and all(s[0] == "T" for _, s in body) and len(body) == count:
        names = [None] * count
        for key, (_, index) in body:
            names[index] = str(key)
        return names
    return [f"output.{i}" for i in range(count)]


def _shares_batch_axis(in_shapes, out_shapes):
    """Axis 0 of every input is the same free symbol, and every output's axis 0 is it too."""
    firsts = [s[0] if s else None for s in in_shapes + out_shapes]
    head = firsts[0] if firsts else None
    return isinstance(head, Dim) and head.kind == "sym" and all(f == head for f in firsts)


register(Loader("unigrad_graph", (".safetensors",), GraphRunner))
