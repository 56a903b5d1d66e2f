"""What can be exported, turned into (Program, input names, output count, weight names):
a Module or function with example inputs, a CompiledFunction (ug.jit), a graph loaded with
ug.jit.load, and a TF1 Session with fetches."""
import inspect

from ...core.tensor import Tensor, as_tensor
from ...graph.jit import CompiledFunction
from ..errors import OnnxExportError
from .program import from_generic
from .tracing import dynamic_traces, program_of, trace_once


class Source:
    """A Program to lower, with default names for its inputs and weights."""

    def __init__(self, program, input_names, weight_names, n_outputs):
        self.program, self.input_names = program, input_names
        self.weight_names, self.n_outputs = weight_names, n_outputs


def _parameter_names(fn, count):
    """The names of fn's first `count` positional parameters (forward's, for a Module)."""
    target = getattr(fn, "forward", fn)
    try:
        params = [p.name for p in inspect.signature(target).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    if len(params) >= count and len(set(params[:count])) == count:
        return params[:count]
    return ["input"] if count == 1 else [f"input_{i}" for i in range(count)]


def _module_weight_names(model):
    names = {}
    for attr in ("named_buffers", "named_parameters"):
        if hasattr(model, attr):
            for name, t in getattr(model, attr)():
                names[id(t)] = name
    return names


def from_callable(model, example_inputs, dynamic_axes_of, opset):
    """model(*example_inputs) traced (three times when dynamic_axes_of gives dynamic axes)."""
    if isinstance(model, CompiledFunction):
        model = model.fn
    if isinstance(example_inputs, Tensor):
        example_inputs = (example_inputs,)
    example_inputs = tuple(example_inputs)
    positions = [i for i, a in enumerate(example_inputs) if isinstance(a, Tensor)]
    if not positions:
        raise OnnxExportError("export: example_inputs holds no Tensor; give the inputs the model is called with")
    what = getattr(model, "__name__", None) or type(model).__name__
    names = _parameter_names(model, len(example_inputs))
    input_names = [names[i] for i in positions]
    dynamic = dynamic_axes_of(input_names)
    restore = _eval_mode(model)
    try:
        if dynamic:
            def on_tensors(*tensors):
                args = list(example_inputs)
                for i, t in zip(positions, tensors):
                    args[i] = t
                return model(*args)
            graphs, _ = dynamic_traces(on_tensors, [example_inputs[i] for i in positions], dynamic, what, opset)
        else:
            graph, _ = trace_once(model, example_inputs, what, opset)
            graphs = [graph]
    finally:
        restore()
    program = program_of(graphs)
    return Source(program, input_names, _module_weight_names(model), len(program.outputs))


def _eval_mode(model):
    """Put a Module in eval mode for the export (as torch.onnx.export does); returns the undo."""
    if not hasattr(model, "train") or not hasattr(model, "modules"):
        return lambda: None
    modes = [(m, m.training) for m in model.modules()]
    model.eval()

    def restore():
        for m, mode in modes:
            object.__setattr__(m, "training", mode)
    return restore


def from_loaded(loaded):
    """A graph loaded with ug.jit.load: concrete, or shape-generic (symbolic sizes kept)."""
    if loaded.generic is not None:
        program = from_generic(loaded.generic)
    else:
        program = program_of([loaded.graph])
    weights = {id(t): name for name, t in loaded.weights.items()}
    names = [name for _, _, name in program.inputs]
    return Source(program, names, weights, len(program.outputs))


def from_session(session, feed_dict, fetches, dynamic_axes_of, opset):
    """The TF1 sub-graph that computes `fetches` from the placeholders in feed_dict."""
    from ...compat.v1.graph import Tensor as GraphTensor
    from ...compat.v1.session import _check_feed, _closure, _evaluate
    if fetches is None:
        raise OnnxExportError("export: a Session exports the sub-graph of `fetches=`: give the tensors to compute")
    fetched = list(fetches) if isinstance(fetches, (list, tuple)) else [fetches]
    if not all(isinstance(f, GraphTensor) for f in fetched):
        raise OnnxExportError("export: fetches must be TF1 graph Tensors (not operations or names)")
    feeds = [(session._by_name(k) if isinstance(k, str) else k, v) for k, v in (feed_dict or {}).items()]
    nodes = [node for node, _ in feeds]
    values = [_check_feed(node, value) for node, value in feeds]
    order = _closure(fetched)
    missing = [n.name for n in order if n.kind == "placeholder" and all(n is not f for f in nodes)]
    if missing:
        raise OnnxExportError(f"export: the fetches need placeholders {missing}, which feed_dict does not give")

    def run(*tensors):
        return _evaluate(order, fetched, {id(n): t for n, t in zip(nodes, tensors)})
    input_names = [n.name for n in nodes]
    dynamic = dynamic_axes_of(input_names)
    if not dynamic:  # a placeholder's unknown sizes (None in its shape) are dynamic axes
        dynamic = {(i, axis): f"{n.name}_dim{axis}" for i, n in enumerate(nodes)
                   for axis, d in enumerate(_static_dims(n.shape) or ()) if d is None}
    if dynamic:
        graphs, _ = dynamic_traces(run, values, dynamic, "the Session's fetches", opset)
    else:
        graphs = [trace_once(run, values, "the Session's fetches", opset)[0]]
    program = program_of(graphs)
    return Source(program, input_names, {}, len(program.outputs)), [f.name.replace("/", "_") for f in fetched], \
        dynamic


def _static_dims(shape):
    """A TF1 shape as a list with None for unknown sizes (None for an unknown rank)."""
    if shape is None:
        return None
    if hasattr(shape, "as_list"):
        try:
            return shape.as_list()
        except ValueError:
            return None
    return list(shape)


def as_tensors(example_inputs):
    if isinstance(example_inputs, Tensor):
        return (example_inputs,)
    return tuple(a if isinstance(a, Tensor) or not hasattr(a, "shape") else as_tensor(a) for a in example_inputs)
