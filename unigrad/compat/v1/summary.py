"""tf.summary: summary ops whose fetched value is a serialized Summary protobuf (bytes), as in
TF1, and FileWriter, which writes them (and the graph) to TensorBoard event files through the
same writer as ug.utils.tensorboard (tensorboardX).

    tf.summary.scalar("loss", loss); tf.summary.histogram("weights", w)
    merged = tf.summary.merge_all()
    writer = tf.summary.FileWriter("logs", graph=sess.graph)
    summary, _ = sess.run([merged, train_op], feed)
    writer.add_summary(summary, step)

A summary op reads its tensor in the run that fetches it (before the run's updates change any
variable); Session.run turns its value into the protobuf's bytes.
"""
import numpy as np
from tensorboardX import summary as tbx
from tensorboardX.proto import summary_pb2

from ...errors import InvalidArgumentError
from ...ops import api as F
from ...utils.tensorboard import TF_BUCKETS, SummaryWriter, graph_def
from .graph import GraphKeys, Node, Tensor, get_default_graph
from .not_covered import module_getattr
from .ops import convert_to_tensor

Summary = summary_pb2.Summary  # tf.Summary(value=[tf.Summary.Value(tag=..., simple_value=...)])


def _summary_node(kind, name, inputs, encode, collections):
    graph = get_default_graph()
    tag = graph.unique_name(name)  # the tag is the name in its name scope, as TF's summary_scope makes it
    node = Tensor("summary", inputs, lambda *values: tuple(F.clone(v) for v in values), kind, "float32", ())
    node.tag, node.encode = tag, encode
    for key in (collections if collections is not None else [GraphKeys.SUMMARIES]):
        graph.add_to_collection(key, node)
    return node


def _bytes(summary):
    return summary.SerializeToString()


def scalar(name, tensor, collections=None, family=None):
    """A scalar summary (a one-element tensor)."""
    x = convert_to_tensor(tensor)
    if x._shape is not None and int(np.prod([d or 1 for d in x._shape])) != 1 and None not in x._shape:
        raise InvalidArgumentError(f"tf.summary.scalar('{name}'): the tensor must have one element, got shape "
                                   f"{x.shape}")
    node = _summary_node("ScalarSummary", name, [x], None, collections)
    node.encode = lambda values: _bytes(tbx.scalar(node.tag, float(np.asarray(values[0]).reshape(()))))
    return node


def histogram(name, values, collections=None, family=None):
    """A histogram of the tensor's values (TensorFlow's exponential buckets)."""
    x = convert_to_tensor(values)
    node = _summary_node("HistogramSummary", name, [x], None, collections)
    node.encode = lambda vals: _bytes(tbx.histogram(node.tag, np.asarray(vals[0], np.float64), TF_BUCKETS))
    return node


def _tf_image_scale(image):
    """TF's image summary rule for float images: all values non-negative: scaled so the largest is
    255; any negative: 0.0 put at 127 and scaled so the smallest is 0 or the largest 255
    (whichever comes first). uint8 images are kept."""
    if image.dtype == np.uint8:
        return image
    image = np.nan_to_num(image.astype(np.float64))
    low, high = (image.min(), image.max()) if image.size else (0.0, 0.0)
    if low >= 0:
        scaled = image * (255.0 / high if high > 0 else 0.0)
    else:
        scale = min(127.0 / -low, 128.0 / high if high > 0 else np.inf)
        scaled = image * scale + 127.0
    return np.clip(np.floor(scaled + 0.5), 0, 255).astype(np.uint8)


def image(name, tensor, max_outputs=3, collections=None, family=None):
    """Up to max_outputs images of a [batch, height, width, channels] tensor (1, 3 or 4 channels);
    tags `name/image/0`, `name/image/1`, ... (`name/image` for one)."""
    x = convert_to_tensor(tensor)
    if x._shape is not None and (len(x._shape) != 4 or x._shape[-1] not in (None, 1, 3, 4)):
        raise InvalidArgumentError(f"tf.summary.image('{name}'): expects [batch, height, width, channels] with 1, 3 "
                                   f"or 4 channels, got shape {x.shape}")
    node = _summary_node("ImageSummary", name, [x], None, collections)

    def encode(values):
        batch = np.asarray(values[0])[:max_outputs]
        out = Summary()
        for i, img in enumerate(batch):
            tag = f"{node.tag}/image" if max_outputs == 1 else f"{node.tag}/image/{i}"
            out.value.extend(tbx.image(tag, _tf_image_scale(img), dataformats="HWC").value)
        return _bytes(out)
    node.encode = encode
    return node


def text(name, tensor, collections=None):
    """A text summary of a Python string (a string constant)."""
    if not isinstance(tensor, str):
        raise InvalidArgumentError("tf.summary.text: unigrad graphs hold numbers; pass the text as a Python str")
    node = _summary_node("TextSummary", name, [], None, collections)
    node.encode = lambda values: _bytes(tbx.text(node.tag, tensor))
    return node


def merge(inputs, collections=None, name=None):
    """One summary holding all of `inputs` (summary ops)."""
    parts = [i for i in inputs if i is not None]
    bad = [p for p in parts if not getattr(p, "encode", None)]
    if bad:
        raise InvalidArgumentError(f"tf.summary.merge takes summary ops, got {bad[0]!r}")
    graph = get_default_graph()
    node = Tensor("summary", parts, lambda *values: values, "MergeSummary", "float32", ())
    node.tag = graph.unique_name(name or "Merge/MergeSummary")

    def encode(values):
        merged = Summary()
        for part, value in zip(parts, values):
            merged.MergeFromString(part.encode(value))
        return _bytes(merged)
    node.encode = encode
    for key in collections or ():
        graph.add_to_collection(key, node)
    return node


def merge_all(key=GraphKeys.SUMMARIES, scope=None, name=None):
    """All summaries in the collection (of the scope), merged; None when there are none."""
    parts = get_default_graph().get_collection(key)
    if scope:
        parts = [p for p in parts if p.tag.startswith(scope)]
    return merge(parts, name=name) if parts else None


def _graph_nodes(graph):
    kinds = {"placeholder": "Placeholder", "variable": "VariableV2", "constant": "Const", "summary": "Summary",
             "random": "RandomOp", "assign": "Assign", "gradients": "Gradients"}
    for node in graph.nodes:
        shape = getattr(node, "_shape", None)
        dtype = getattr(node, "dtype", None)
        op = kinds.get(node.kind) if node.kind != "op" else None
        yield (node.name, op or node.name.split("/")[-1].rstrip("0123456789").rstrip("_") or "Op",
               [i.name for i in node.inputs], shape, dtype.name if dtype is not None else None)


class FileWriter:
    """Writes summaries (and the graph) to an event file in `logdir` for TensorBoard."""

    def __init__(self, logdir, graph=None, max_queue=10, flush_secs=120, graph_def=None, filename_suffix=None,
                 session=None):
        self._writer = SummaryWriter(logdir, max_queue=max_queue, flush_secs=flush_secs,
                                     filename_suffix=filename_suffix or "")
        self.logdir = logdir
        if graph is not None or graph_def is not None:
            self.add_graph(graph, graph_def=graph_def)

    def get_logdir(self):
        return self.logdir

    def add_summary(self, summary, global_step=None):
        """A fetched summary (bytes) or a tf.Summary protobuf, at `global_step`."""
        if isinstance(summary, Node):
            raise InvalidArgumentError("FileWriter.add_summary takes the value of a summary op (run it with "
                                       "sess.run first), not the op itself")
        self._writer.add_summary(summary, None if global_step is None else int(global_step))

    def add_graph(self, graph, global_step=None, graph_def=None):
        """The graph (tf.get_default_graph() or sess.graph) for TensorBoard's Graphs tab."""
        from .graph import Graph
        if graph_def is not None:
            self._writer.add_graph_def(graph_def)
            return
        if not isinstance(graph, Graph):
            raise InvalidArgumentError(f"FileWriter.add_graph takes a tf.Graph, got {type(graph).__name__}")
        self._writer.add_graph_def(graph_def_of(graph))

    def add_event(self, event):
        self._writer.add_event(event)

    def flush(self):
        self._writer.flush()

    def close(self):
        self._writer.close()

    def reopen(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def graph_def_of(graph):
    """The GraphDef of a TF1 graph: its ops by name, with their inputs, shapes and dtypes."""
    return graph_def(_graph_nodes(graph))


__getattr__ = module_getattr("tf.summary", lambda: list(globals()))
