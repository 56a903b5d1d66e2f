"""ug.onnx.export: a model, function, loaded graph or TF1 Session fetch as an ONNX model file."""
import os
import re
import sys
import tempfile

import onnx
from onnx import checker, helper, shape_inference

from ...errors import InvalidArgumentError
from ..errors import OnnxExportError
from .emitter import Emitter, Initializers, Names, value_info
from .lower import check_rules, lower
from .opset import MIN_OPSET, default_opset
from . import sources

__all__ = ["export", "default_opset"]


def export(model, example_inputs=(), path=None, opset=None, input_names=None, output_names=None,
           dynamic_axes=None, fetches=None, external_data=False, check=True):
    """Write `model` as an ONNX model, in the shape of ``torch.onnx.export``, and return the ModelProto.

    Args:
        model: a Module or function (traced on example_inputs), a ``ug.jit`` compiled function, a
            graph loaded with ``ug.jit.load`` (example_inputs unused), or a TF1 ``Session`` (with
            example_inputs its feed_dict and `fetches` the tensors to compute).
        example_inputs: a Tensor or a tuple of the inputs the model is called with.
        path: where to write the file (a path or a writable binary file object; None: only return it).
        opset: the default-domain opset (default: the newest the installed onnxruntime runs).
        input_names, output_names: names of the graph inputs and outputs.
        dynamic_axes: {input or output name: {axis: dim name}} or {name: [axes]}: sizes that vary
            (the batch, a sequence length) become symbolic dims; the model is traced at three sizes.
        external_data: keep the weights in a file beside the model (path + ".data"), as models over
            2 GB must.
        check: run onnx's checker (full_check) and strict shape inference on the result.

    Example::

        >>> import tempfile, os
        >>> net = ug.nn.Sequential(ug.nn.Linear(4, 3), ug.nn.ReLU())
        >>> path = os.path.join(tempfile.mkdtemp(), "net.onnx")
        >>> proto = ug.onnx.export(net, ug.randn(2, 4), path, dynamic_axes={"input": {0: "batch"}})
        >>> [n.op_type for n in proto.graph.node]
        ['Gemm', 'Relu']
        >>> proto.graph.input[0].type.tensor_type.shape.dim[0].dim_param
        'batch'
    """
    opset = _opset(opset)
    dynamic_axes = _normalise_axes(dynamic_axes)
    source, default_outputs = _source(model, example_inputs, input_names, dynamic_axes, fetches, opset)
    program = source.program
    missing = check_rules(program, opset)
    if missing:
        raise OnnxExportError("export: these ops cannot be written as ONNX at opset "
                              f"{opset}: " + "; ".join(missing.values()))
    input_names = _names(input_names, source.input_names, len(program.inputs), "input")
    output_names = _names(output_names, default_outputs or _default_outputs(source.n_outputs),
                          len(program.outputs), "output")
    proto = _build(program, opset, input_names, output_names, source.weight_names, dynamic_axes)
    if check:
        _validate(proto)
    if path is not None:
        _write(proto, path, external_data)
    return proto


def _opset(opset):
    newest = onnx.defs.onnx_opset_version()
    if opset is None:
        return default_opset()
    if not isinstance(opset, int) or not MIN_OPSET <= opset <= newest:
        raise InvalidArgumentError(f"export: opset must be an int from {MIN_OPSET} to {newest} (the newest the "
                                   f"installed onnx knows), got {opset!r}")
    return opset


def _normalise_axes(dynamic_axes):
    out = {}
    for name, axes in (dynamic_axes or {}).items():
        if isinstance(axes, dict):
            out[name] = {int(a): str(n) for a, n in axes.items()}
        elif isinstance(axes, (list, tuple)):
            out[name] = {int(a): f"{name}_dim{int(a)}" for a in axes}
        else:
            raise InvalidArgumentError(f"export: dynamic_axes[{name!r}] must be a dict {{axis: name}} or a list of "
                                       f"axes, got {axes!r}")
    return out


def _source(model, example_inputs, input_names, dynamic_axes, fetches, opset):
    from ...graph.serialize import LoadedGraph
    session_module = sys.modules.get("unigrad.compat.v1.session")  # (a Session exists only once it is loaded)
    Session = getattr(session_module, "Session", ())

    def dynamic_axes_of(default_names):
        names = list(input_names) if input_names is not None else default_names
        unknown = [n for n in dynamic_axes if n not in names]
        found = {}
        for i, name in enumerate(names):
            for axis, dim in dynamic_axes.get(name, {}).items():
                found[(i, axis)] = dim
        return found if found or not unknown else _unknown_axes(unknown, names)

    if isinstance(model, LoadedGraph):
        return sources.from_loaded(model), None
    if isinstance(model, Session):
        source, outputs, _ = sources.from_session(model, example_inputs, fetches, dynamic_axes_of, opset)
        return source, outputs
    if not callable(model):
        raise InvalidArgumentError(f"export: expected a Module, a function, a loaded graph or a Session, got "
                                   f"{type(model).__name__}")
    return sources.from_callable(model, sources.as_tensors(example_inputs), dynamic_axes_of, opset), None


def _unknown_axes(unknown, names):
    raise InvalidArgumentError(f"export: dynamic_axes names {unknown}, which are not inputs (the inputs are "
                               f"{names}); give input_names, or name the axes of these inputs")


def _names(given, default, count, what):
    names = list(given) if given is not None else list(default)
    if len(names) < count and given is None:
        names = [f"{what}_{i}" for i in range(count)]
    if len(names) != count:
        raise InvalidArgumentError(f"export: {len(names)} {what} names given for the graph's {count} {what}s")
    if len(set(names)) != len(names) or not all(isinstance(n, str) and n for n in names):
        raise InvalidArgumentError(f"export: {what} names must be unique non-empty strings, got {names}")
    return names


def _default_outputs(n):
    return ["output"] if n == 1 else [f"output_{i}" for i in range(n)]


def _build(program, opset, input_names, output_names, module_names, dynamic_axes):
    names = Names()
    for name in input_names:
        names.claim(name)
    reserved = set(output_names)
    names.used |= reserved
    initializers = Initializers(names)
    e = Emitter(opset, names, initializers)
    weight_names = {}

    def weight_name(tensor):
        found = weight_names.get(id(tensor))
        if found is None:
            wanted = module_names.get(id(tensor))
            if wanted is not None and wanted not in names.used:
                found = initializers.add(tensor.detach().cpu().numpy(), wanted)
            else:
                found = initializers.add(tensor.detach().cpu().numpy(), hint="weight")
            weight_names[id(tensor)] = found
        return found

    produced = lower(program, e, input_names, weight_name)
    names.used -= reserved
    symbol_names = _symbol_names(program, input_names, dynamic_axes)
    outputs = []
    for i, (name, wanted) in enumerate(zip(produced, output_names)):
        if not name:  # (a rule gave no ONNX value for it, e.g. a fused layer's workspace)
            raise OnnxExportError(f"export: output {i} ('{wanted}') is a value with no ONNX form (the workspace a "
                                  "fused op keeps for its backward); return only the values inference uses")
        shape, dtype = e._spec(name)
        top_level = any(name in n.output for n in e.nodes)
        if top_level and name not in produced[:i] and name not in input_names:
            _rename(e.nodes, name, wanted)
        else:
            e.node("Identity", [name], outputs=[wanted])
        given = dynamic_axes.get(wanted, {})
        dims = [d if isinstance(d, int) else given.get(a) or symbol_names.get(d) or repr(d)
                for a, d in enumerate(shape)]
        outputs.append(value_info(wanted, dims, dtype))
    inputs = [value_info(name, shape, dtype, symbol_names)
              for name, (shape, dtype, _) in zip(input_names, program.inputs)]
    graph = helper.make_graph(e.nodes, "unigrad", inputs, outputs, initializers.tensors)
    domains = sorted({n.domain for n in _all_nodes(e.nodes) if n.domain})
    imports = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, 1) for d in domains]
    model = helper.make_model_gen_version(graph, opset_imports=imports, producer_name="unigrad",
                                          producer_version=_version())
    return model


def _symbol_names(program, input_names, dynamic_axes):
    out = {}
    for dim, p, axis in program.symbols:
        given = dynamic_axes.get(input_names[p], {}).get(axis)
        out[dim] = given or dim.name
    return out


def _all_nodes(nodes):
    for n in nodes:
        yield n
        for a in n.attribute:
            if a.type == onnx.AttributeProto.GRAPH:
                yield from _all_nodes(a.g.node)
            for g in a.graphs:
                yield from _all_nodes(g.node)


def _rename(nodes, old, new):
    for n in _all_nodes(nodes):
        for i, name in enumerate(n.input):
            if name == old:
                n.input[i] = new
        for i, name in enumerate(n.output):
            if name == old:
                n.output[i] = new


def _version():
    # the installed distribution's version (the top package may not be imported from here: layering)
    from importlib import metadata
    try:
        return metadata.version("unigrad")
    except metadata.PackageNotFoundError:
        return "0"


def _validate(model):
    """onnx's full check and strict shape inference; a failure is an export rule's bug."""
    try:
        if model.ByteSize() < 2 ** 31 - 1:
            checker.check_model(model, full_check=True)
            shape_inference.infer_shapes(model, check_type=True, strict_mode=True, data_prop=True)
    except (checker.ValidationError, shape_inference.InferenceError) as exc:
        text = re.sub(r"\s+", " ", str(exc))[:1500]
        raise OnnxExportError(f"export: the ONNX model built does not pass onnx's checker ({text}); this is a bug "
                              "in an export rule, please report it with the model") from None


def _write(model, path, external_data):
    """Write the model atomically (a temp file in the same folder, then os.replace)."""
    if hasattr(path, "write"):
        if external_data:
            raise InvalidArgumentError("export: external_data needs a path, not a file object")
        path.write(model.SerializeToString())
        return
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise InvalidArgumentError(f"export: the folder {folder!r} of {path!r} does not exist")
    if external_data or model.ByteSize() >= 2 ** 31 - 1:
        location = os.path.basename(path) + ".data"
        staging = tempfile.mkdtemp(dir=folder, prefix=".onnx-export-")
        try:
            onnx.save_model(model, os.path.join(staging, "model.onnx"), save_as_external_data=True,
                            all_tensors_to_one_file=True, location=location, size_threshold=1024)
            if os.path.exists(os.path.join(staging, location)):
                os.replace(os.path.join(staging, location), os.path.join(folder, location))
            os.replace(os.path.join(staging, "model.onnx"), path)
        finally:
            for leftover in os.listdir(staging):
                os.remove(os.path.join(staging, leftover))
            os.rmdir(staging)
        return
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".onnx-export-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(model.SerializeToString())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise

