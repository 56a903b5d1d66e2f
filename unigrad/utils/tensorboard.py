"""ug.utils.tensorboard: TensorBoard event files with PyTorch's SummaryWriter interface.

The events are written by tensorboardX (a maintained writer that needs no TensorFlow);
unigrad Tensors are handed to it as NumPy arrays. `add_graph` traces the model with ug.jit and
writes its graph (ops, inputs, parameters and shapes) as the GraphDef TensorBoard's Graphs tab
draws. `graph_def` builds that protobuf for other graphs too (TF1's tf.summary.FileWriter).

Example::

    >>> from unigrad.utils.tensorboard import SummaryWriter
    >>> import tempfile
    >>> with SummaryWriter(tempfile.mkdtemp()) as writer:
    ...     for step in range(3):
    ...         writer.add_scalar("loss", 1.0 / (step + 1), step)
"""
import os

import numpy as np

try:
    import tensorboardX
    import tensorboardX.summary
    from tensorboardX.proto import attr_value_pb2, event_pb2, graph_pb2, node_def_pb2, tensor_shape_pb2, versions_pb2
except ImportError as exc:  # pragma: no cover - an optional extra
    raise ImportError("ug.utils.tensorboard (and TF1's tf.summary) write TensorBoard files with tensorboardX: "
                      "pip install tensorboardX (and tensorboard to view them)") from exc

from ..core.tensor import Tensor
from ..errors import InvalidArgumentError

_DTYPES = {"float16": 19, "float32": 1, "float64": 2, "int8": 6, "int16": 5, "int32": 3, "int64": 9, "uint8": 4,
           "bool": 10}  # TensorFlow's DataType enum


def _tensorflow_buckets():
    """TensorFlow's histogram bucket edges: +-1e-12 growing by 10% to +-1e20, and 0 (what
    tensorboardX's writer uses for bins='tensorflow')."""
    edges, v = [], 1e-12
    while v < 1e20:
        edges.append(v)
        v *= 1.1
    return [-e for e in reversed(edges)] + [0.0] + edges


TF_BUCKETS = _tensorflow_buckets()


def to_numpy(value):
    """A unigrad Tensor (or anything array-like) as a NumPy array, for the writer."""
    if isinstance(value, Tensor):
        return value.detach().cpu().numpy()
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], Tensor):
        return np.stack([to_numpy(v) for v in value])
    return np.asarray(value)


def _scalar(value):
    if isinstance(value, Tensor):
        if value.numel() != 1:
            raise InvalidArgumentError(f"add_scalar: the value must have one element, got a tensor of shape "
                                       f"{tuple(value.shape)}")
        return float(value.detach().cpu().numpy().reshape(()))
    return float(value)


def graph_def(nodes):
    """A TensorBoard GraphDef from (name, op type, input names, shape or None, dtype name or None)."""
    graph = graph_pb2.GraphDef(versions=versions_pb2.VersionDef(producer=22))
    for name, op, inputs, shape, dtype in nodes:
        attrs = {}
        if shape is not None:
            dims = [tensor_shape_pb2.TensorShapeProto.Dim(size=-1 if d is None else int(d)) for d in shape]
            attrs["_output_shapes"] = attr_value_pb2.AttrValue(
                list=attr_value_pb2.AttrValue.ListValue(shape=[tensor_shape_pb2.TensorShapeProto(dim=dims)]))
        if dtype in _DTYPES:
            attrs["dtype"] = attr_value_pb2.AttrValue(type=_DTYPES[dtype])
        graph.node.append(node_def_pb2.NodeDef(name=name, op=op, input=list(inputs), attr=attrs))
    return graph


def ir_graph_def(graph, parameter_names=None):
    """The GraphDef of a unigrad IR graph (a traced function): inputs, parameters, constants, ops."""
    parameter_names = parameter_names or {}
    names, nodes = {}, []
    for i, v in enumerate(graph.placeholders):
        names[v] = f"input/{v.name or i}"
        nodes.append((names[v], "Placeholder", [], v.shape, v.dtype.name))
    for i, (v, tensor) in enumerate(graph.captures):
        names[v] = f"parameters/{parameter_names.get(id(tensor), f'captured_{i}')}"
        nodes.append((names[v], "VariableV2", [], v.shape, v.dtype.name))
    counts = {}
    for node in graph.nodes:
        for v in node.inputs:
            if v not in names:
                names[v] = f"constants/const_{len(names)}"
                nodes.append((names[v], "Const", [], v.shape, v.dtype.name))
        k = counts[node.name] = counts.get(node.name, -1) + 1
        base = f"{node.name}_{k}" if k else node.name
        for j, out in enumerate(node.outputs):
            names[out] = base if j == 0 else f"{base}:{j}"
        shape = node.outputs[0].shape if node.outputs else None
        dtype = node.outputs[0].dtype.name if node.outputs else None
        nodes.append((base, node.name, [names[v] for v in node.inputs], shape, dtype))
    for i, v in enumerate(graph.outputs):
        if v in names:
            nodes.append((f"output/output_{i}", "Identity", [names[v]], v.shape, v.dtype.name))
    return graph_def(nodes)


class SummaryWriter:
    """Writes TensorBoard event files into `log_dir` (default `runs/<date>_<host><comment>`), as
    torch.utils.tensorboard.SummaryWriter does; values may be unigrad Tensors, NumPy arrays or
    numbers. Use it as a context manager, or call close()."""

    def __init__(self, log_dir=None, comment="", purge_step=None, max_queue=10, flush_secs=120, filename_suffix=""):
        self._writer = tensorboardX.SummaryWriter(logdir=log_dir, comment=comment, purge_step=purge_step,
                                                  max_queue=max_queue, flush_secs=flush_secs,
                                                  filename_suffix=filename_suffix)
        self.log_dir = self._writer.logdir
        self._max_queue, self._flush_secs, self._runs = max_queue, flush_secs, {}  # add_scalars' runs

    def get_logdir(self):
        return self.log_dir

    def add_scalar(self, tag, scalar_value, global_step=None, walltime=None, new_style=False,
                   double_precision=False):
        self._writer.add_scalar(tag, _scalar(scalar_value), global_step, walltime)

    def add_scalars(self, main_tag, tag_scalar_dict, global_step=None, walltime=None):
        """Each scalar in its own run `log_dir/<main_tag>_<tag>` (as PyTorch names them), drawn on
        one chart `main_tag`."""
        for tag, value in tag_scalar_dict.items():
            path = os.path.join(self.log_dir, main_tag.replace("/", "_") + "_" + tag)
            writer = self._runs.get(path)
            if writer is None:
                writer = self._runs[path] = tensorboardX.FileWriter(path, self._max_queue, self._flush_secs)
            writer.add_summary(tensorboardX.summary.scalar(main_tag, _scalar(value)), global_step, walltime)

    def add_histogram(self, tag, values, global_step=None, bins="tensorflow", walltime=None, max_bins=None):
        self._writer.add_histogram(tag, to_numpy(values).astype(np.float64), global_step, bins, walltime, max_bins)

    def add_image(self, tag, img_tensor, global_step=None, walltime=None, dataformats="CHW"):
        """One image: float values in [0, 1] (scaled to 0..255) or uint8, laid out as `dataformats`."""
        self._writer.add_image(tag, to_numpy(img_tensor), global_step, walltime, dataformats)

    def add_images(self, tag, img_tensor, global_step=None, walltime=None, dataformats="NCHW"):
        """A batch of images shown as one grid."""
        self._writer.add_images(tag, to_numpy(img_tensor), global_step, walltime, dataformats)

    def add_text(self, tag, text_string, global_step=None, walltime=None):
        self._writer.add_text(tag, text_string, global_step, walltime)

    def add_figure(self, tag, figure, global_step=None, close=True, walltime=None):
        """A matplotlib figure, rendered to an image."""
        self._writer.add_figure(tag, figure, global_step, close, walltime)

    def add_pr_curve(self, tag, labels, predictions, global_step=None, num_thresholds=127, weights=None,
                     walltime=None):
        self._writer.add_pr_curve(tag, to_numpy(labels), to_numpy(predictions), global_step, num_thresholds,
                                  None if weights is None else to_numpy(weights), walltime)

    def add_embedding(self, mat, metadata=None, label_img=None, global_step=None, tag="default",
                      metadata_header=None):
        self._writer.add_embedding(to_numpy(mat), metadata, None if label_img is None else to_numpy(label_img),
                                   global_step, tag, metadata_header)

    def add_hparams(self, hparam_dict, metric_dict, hparam_domain_discrete=None, run_name=None, global_step=None):
        """Hyperparameters and the metrics they reached, for TensorBoard's HParams tab (in a run of
        its own, `log_dir/<run_name or time>`, as PyTorch writes it)."""
        if not isinstance(hparam_dict, dict) or not isinstance(metric_dict, dict):
            raise InvalidArgumentError("add_hparams: hparam_dict and metric_dict must be dicts")
        hparams = {k: (_scalar(v) if isinstance(v, Tensor) else v) for k, v in hparam_dict.items()}
        bad = {k: type(v).__name__ for k, v in hparams.items() if not isinstance(v, (bool, int, float, str))}
        if bad:
            raise InvalidArgumentError(f"add_hparams: hyperparameter values must be bool, int, float or str, got {bad}")
        self._writer.add_hparams(hparams, {k: _scalar(v) for k, v in metric_dict.items()}, name=run_name,
                                 global_step=global_step)

    def add_graph(self, model, input_to_model=None, verbose=False, use_strict_trace=True):
        """The graph of `model` (a Module or function) traced on `input_to_model` (a Tensor or a
        tuple of them), or an already compiled ug.jit function, for TensorBoard's Graphs tab."""
        from ..graph.jit import CompiledFunction, trace
        inputs = () if input_to_model is None else (input_to_model if isinstance(input_to_model, (tuple, list))
                                                    else (input_to_model,))
        if isinstance(model, CompiledFunction):
            compiled = model
            if inputs:
                compiled(*inputs)
        else:
            if not inputs:
                raise InvalidArgumentError("add_graph: pass input_to_model (example inputs to trace the model on)")
            compiled = trace(model, tuple(inputs), optimize=False)
        graph = getattr(compiled, "graph", None)
        if graph is None:
            raise InvalidArgumentError("add_graph: the function has no traced graph (it runs eagerly; see its "
                                       "JitFallbackWarning)")
        named = getattr(model, "named_parameters", None)
        names = {id(p): n for n, p in named()} if callable(named) else {}
        named_buffers = getattr(model, "named_buffers", None)
        if callable(named_buffers):
            names.update({id(b): n for n, b in named_buffers()})
        definition = ir_graph_def(graph, names)
        if verbose:
            print(definition)
        self.add_graph_def(definition)

    def add_graph_def(self, definition, walltime=None):
        """Write a GraphDef (from graph_def or ir_graph_def)."""
        self._writer._get_file_writer().add_event(event_pb2.Event(graph_def=definition.SerializeToString()),
                                                  None, walltime)

    def add_summary(self, summary, global_step=None, walltime=None):
        """A Summary protobuf (or its serialized bytes), as TF1's FileWriter.add_summary."""
        if isinstance(summary, (bytes, bytearray)):
            from tensorboardX.proto import summary_pb2
            summary = summary_pb2.Summary.FromString(bytes(summary))
        self._writer._get_file_writer().add_summary(summary, global_step, walltime)

    def add_event(self, event, step=None, walltime=None):
        self._writer._get_file_writer().add_event(event, step, walltime)

    def flush(self):
        self._writer.flush()
        for writer in self._runs.values():
            writer.flush()

    def close(self):
        self._writer.close()
        for writer in self._runs.values():
            writer.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
