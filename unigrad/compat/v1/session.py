"""tf.Session: evaluate fetched nodes with feeds; repeated runs are compiled into graphs."""
import contextlib
import heapq

import numpy as np

from ...core.tensor import Tensor as EagerTensor
from ...errors import InvalidArgumentError, UnigradError, calling_site, user_frame
from ...graph.jit import CompiledFunction
from .graph import Node, Operation, Tensor, get_default_graph

_sessions = []


def _default_session():
    if not _sessions:
        raise InvalidArgumentError("no default session: use `with tf.Session() as sess:` or pass session=")
    return _sessions[-1]


def placeholder(dtype, shape=None, name="Placeholder"):
    def missing():
        raise InvalidArgumentError(f"You must feed a value for placeholder tensor '{node.name}' with dtype "
                                   f"{node.dtype.name} and shape {_shape_text(node._shape)} (created at {node.site})")
    node = Tensor("placeholder", [], missing, name, dtype, shape)
    node.graph.placeholders.append(node)
    return node


class ConfigProto:
    """tf.ConfigProto / tf.GPUOptions: TF's runtime settings (threads, soft placement, GPU memory
    growth). unigrad has no such settings: the fields are kept, so programs that set them run, and
    have no effect (devices come from where tensors live; see docs/tf1.md)."""

    def __init__(self, **fields):
        self.gpu_options = fields.pop("gpu_options", None) or GPUOptions()
        self.__dict__.update(fields)


class GPUOptions:
    __doc__ = ConfigProto.__doc__

    def __init__(self, **fields):
        self.allow_growth, self.per_process_gpu_memory_fraction = False, 1.0
        self.__dict__.update(fields)


@contextlib.contextmanager
def device(device_name_or_function):
    """tf.device: accepted for TF1 programs and without effect (unigrad runs an op where its
    inputs live; docs/tf1.md)."""
    yield


def placeholder_with_default(input, shape, name="PlaceholderWithDefault"):
    """A placeholder that gives `input` (a value or tensor) when it is not fed."""
    from .ops import convert_to_tensor
    default = convert_to_tensor(input)
    node = Tensor("placeholder", [default], lambda v: v, name, default.dtype, shape)
    node.graph.placeholders.append(node)
    return node


def _shape_text(shape):
    return "<unknown>" if shape is None else "[" + ",".join("?" if d is None else str(d) for d in shape) + "]"


def _check_feed(node, value):
    arr = value.numpy() if isinstance(value, EagerTensor) and value.device.type == "cpu" else value
    if isinstance(arr, EagerTensor):
        tensor = arr
    else:
        arr = np.asarray(arr)
        if arr.dtype.kind not in "biuf":
            raise InvalidArgumentError(f"cannot feed a value of dtype {arr.dtype} for Tensor '{node.name}:0' "
                                       f"of dtype {node.dtype.name}")
        if arr.dtype.kind == "f" and node.dtype.category < 2 and not np.array_equal(arr, np.round(arr)):
            # TF converts (truncating); whole numbers (labels kept as floats) convert, fractions would be lost
            bad = arr[arr != np.round(arr)].flat[0]
            raise InvalidArgumentError(f"cannot feed floating-point values such as {bad} for Tensor '{node.name}:0', "
                                       f"which has integer dtype {node.dtype.name}: they are not whole numbers")
        tensor = EagerTensor(arr.astype(node.dtype.np, copy=False))
    if node._shape is not None:
        if tensor.ndim != len(node._shape) or any(d is not None and d != s for d, s in zip(node._shape, tensor.shape)):
            raise InvalidArgumentError(f"Cannot feed value of shape {tuple(tensor.shape)} for Tensor "
                                       f"'{node.name}:0', which has shape {_shape_text(node._shape)}")
    if tensor.dtype is not node.dtype:
        tensor = tensor.to(dtype=node.dtype)
    return tensor


def _closure(nodes):
    """All nodes the fetches depend on, inputs before users, and nodes with effects (optimizer
    updates, assignments) as late as their users allow: every value a run computes (the
    gradients of two optimizers fetched together, as in a GAN step) comes from the variables as
    they were when the run began, as in TensorFlow, before any update changes them."""
    found, seen = [], set()
    for root in nodes:  # the closure, in depth-first post-order (the tie-break below)
        stack = [(root, False)]
        while stack:
            node, done = stack.pop()
            if done:
                found.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((i, False) for i in reversed(node.inputs) if id(i) not in seen)
    position = {id(n): k for k, n in enumerate(found)}
    waiting = {id(n): len({id(i) for i in n.inputs}) for n in found}
    users = {}
    for n in found:
        for i in {id(i): i for i in n.inputs}.values():
            users.setdefault(id(i), []).append(n)
    ready = [(_effect_rank(n), position[id(n)], n) for n in found if waiting[id(n)] == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        _, _, node = heapq.heappop(ready)
        order.append(node)
        for user in users.get(id(node), ()):
            waiting[id(user)] -= 1
            if waiting[id(user)] == 0:
                heapq.heappush(ready, (_effect_rank(user), position[id(user)], user))
    return order


def _effect_rank(node):
    """0 for a pure value, 1 for an assignment (a value with an effect), 2 for an Operation."""
    return 2 if node.is_operation else 1 if node.kind == "assign" else 0


def _flatten(fetches, out):
    if isinstance(fetches, Node):
        out.append(fetches)
        return len(out) - 1
    if isinstance(fetches, (list, tuple)):
        return (type(fetches), [_flatten(f, out) for f in fetches])
    if isinstance(fetches, dict):
        return (dict, [(k, _flatten(v, out)) for k, v in fetches.items()])
    raise InvalidArgumentError(f"cannot fetch an object of type {type(fetches).__name__}: fetch tf Tensors, "
                               "Operations, or lists/tuples/dicts of them")


def _rebuild(spec, values):
    if isinstance(spec, int):
        return values[spec]
    kind, body = spec
    if kind is dict:
        return {k: _rebuild(s, values) for k, s in body}
    if hasattr(kind, "_fields"):  # a namedtuple (an LSTMStateTuple state)
        return kind(*[_rebuild(s, values) for s in body])
    return kind(_rebuild(s, values) for s in body)


def _evaluate(order, fetched, feeds):
    memo = dict(feeds)
    for node in order:
        if id(node) not in memo:
            # the ops this node runs (and the graph nodes a trace records for them) name the line
            # that created it; an error here says which TF op it was and where it was defined
            with calling_site(node.site):
                try:
                    memo[id(node)] = node.fn(*[memo[id(i)] for i in node.inputs])
                except UnigradError as exc:
                    raise _caused_by(exc, node) from None
    return tuple(None if n.is_operation else memo[id(n)] for n in fetched)


def _run_from(exc, order, run_site):
    """The error, its message also naming the Session.run call (and, for an error of a compiled
    run, which names only the line, the TF op defined there)."""
    text = exc.args[0] if exc.args else str(exc)
    if "Caused by op" not in text:
        culprit = next((n for n in order if n.site in text), None)
        if culprit is not None:
            text += f"\n\nCaused by op '{culprit.name}', defined at:\n  {culprit.site}"
    exc.args = (f"{text}\n  (Session.run called at {run_site})",) + tuple(exc.args[1:])
    return exc


def _caused_by(exc, node):
    """The error, its message naming the TF op that failed and the line that defined it, as TF's do."""
    exc.args = (f"{exc.args[0] if exc.args else exc}\n\nCaused by op '{node.name}', defined at:\n  {node.site}",
                ) + tuple(exc.args[1:])
    return exc


class Session:
    def __init__(self, target="", graph=None, config=None):
        self.graph = graph or get_default_graph()
        self.compiled = {}
        self.closed = False

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        if self.closed:
            raise InvalidArgumentError("Attempted to use a closed Session")
        fetched = []
        spec = _flatten(fetches, fetched)
        feed_nodes, feed_values = [], []
        for key, value in (feed_dict or {}).items():
            if isinstance(key, str):
                key = self._by_name(key)
            if not isinstance(key, Tensor):
                raise InvalidArgumentError(f"feed_dict keys must be tf Tensors (placeholders) or their names "
                                           f"('x:0'), got {key!r}")
            feed_nodes.append(key)
            feed_values.append(_check_feed(key, value))
        order = _closure(fetched)
        self._pull_iterators(order, feed_nodes, feed_values)
        needs_grad = any(n.kind == "gradients" for n in order)
        if needs_grad:  # fed values must be on the tape so gradients can reach them
            feed_values = [v.detach().requires_grad_(True) if v.dtype.is_floating_point else v for v in feed_values]
        try:
            values = self._run(order, fetched, feed_nodes, feed_values, needs_grad)
        except UnigradError as exc:
            raise _run_from(exc, order, user_frame()) from None
        state = {id(v.storage._data) for v in self.graph.variables if v.storage is not None}
        return _rebuild(spec, [node.encode(_nested_numpy(v)) if node.kind == "summary" else _to_numpy(v, state)
                               for node, v in zip(fetched, values)])

    def _run(self, order, fetched, feed_nodes, feed_values, needs_grad):
        # initializer ops run eagerly; `is True` because a Variable's .initializer is its init op
        if any(getattr(n, "initializer", None) is True for n in order):
            values = _evaluate(order, fetched, {id(n): v for n, v in zip(feed_nodes, feed_values)})
        else:
            key = (tuple(id(n) for n in fetched), tuple(id(n) for n in feed_nodes))
            compiled = self.compiled.get(key)
            if compiled is None:
                def run_graph(*vals, order=order, fetched=fetched, feed_nodes=feed_nodes, needs_grad=needs_grad):
                    if needs_grad:
                        vals = [v.detach().requires_grad_(True) if v.dtype.is_floating_point else v for v in vals]
                    return _evaluate(order, fetched, {id(n): v for n, v in zip(feed_nodes, vals)})
                compiled = self.compiled[key] = CompiledFunction(run_graph)
            values = compiled(*feed_values)
        return values

    def _pull_iterators(self, order, feed_nodes, feed_values):
        """Feed each tf.data get_next() the run needs with its iterator's next element (one per
        get_next call per run)."""
        pulled = {}
        for node in order:
            if node.kind == "iterator_value":
                key = (id(node.iterator), node.group)
                if key not in pulled:
                    pulled[key] = node.iterator.pull(self)
                feed_nodes.append(node)
                feed_values.append(_check_feed(node, pulled[key][node.index]))

    def _by_name(self, name):
        """The placeholder called `name` or `name:0` in this session's graph."""
        base = name[:-2] if name.endswith(":0") else name
        for node in self.graph.placeholders:
            if node.name == base:
                return node
        raise InvalidArgumentError(f"no placeholder named '{name}' in this graph (placeholders: "
                                   f"{[p.name + ':0' for p in self.graph.placeholders]})")

    def close(self):
        self.closed = True

    def __enter__(self):
        _sessions.append(self)
        return self

    def __exit__(self, *exc):
        _sessions.remove(self)
        self.close()
        return False


class InteractiveSession(Session):
    """A session that makes itself the default on creation (for .eval() and .run()) until closed."""

    def __init__(self, target="", graph=None, config=None):
        super().__init__(target, graph, config)
        _sessions.append(self)

    def close(self):
        if self in _sessions:
            _sessions.remove(self)
        super().close()


def _nested_numpy(value):
    """A summary op's value (tuples of tensors) as NumPy, for its protobuf."""
    if isinstance(value, (tuple, list)):
        return tuple(_nested_numpy(v) for v in value)
    return value.detach().cpu().numpy() if isinstance(value, EagerTensor) else value


def _to_numpy(value, state=()):
    """A fetched value as NumPy. A variable's memory (or a view of it) is copied: the value fetched
    is the variable's at that run, not one later runs change."""
    if value is None:
        return None
    if isinstance(value, EagerTensor):
        arr = value.detach().cpu().numpy()
        if id(arr) in state or not arr.flags.owndata:
            arr = arr.copy()
        return arr[()] if arr.ndim == 0 else arr
    return value


def _eval(self, feed_dict=None, session=None):
    return (session or _default_session()).run(self, feed_dict)


def _run(self, feed_dict=None, session=None):
    """Operation.run: run the operation in the default session (or `session`)."""
    (session or _default_session()).run(self, feed_dict)


Tensor.eval = _eval
Operation.run = _run
