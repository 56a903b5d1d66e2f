"""Iterative reverse-mode autodiff over the tape (no recursion, so deep graphs are fine)."""
from ..core import grad_mode
from ..core import tensor as _core_tensor
from ..core.tensor import PostAccumulateHook, Tensor
from ..core.trace_hook import state as _trace
from ..errors import AutogradError
from ..ops.elementwise.add import add as _add_op
from ..ops.factory.full import zeros as _zeros


def _ones_like(t):
    xp = t._device.xp
    return Tensor._make(xp.ones(t._data.shape, dtype=t._dtype.np), t._device, t._dtype)


def _seed(tensors, grads):
    roots = []
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise AutogradError(f"element {i} of the outputs is not a Tensor but {type(t).__name__}")
        if not t.requires_grad:
            raise AutogradError(f"element {i} of the outputs does not require grad and has no grad_fn: "
                                "was it computed under no_grad(), or from tensors without requires_grad=True?")
        g = grads[i] if i < len(grads) else None
        if g is None:
            if t._data.size != 1:
                raise AutogradError(f"grad can be implicitly created only for outputs with one element; "
                                    f"output {i} has shape {tuple(t.shape)}: pass gradient=")
            g = _ones_like(t)
        elif not isinstance(g, Tensor):
            g = Tensor._make(t._device.xp.asarray(g, dtype=t._dtype.np), t._device, t._dtype)
        if tuple(g.shape) != tuple(t.shape):
            raise AutogradError(f"gradient for output {i} has shape {tuple(g.shape)}, expected {tuple(t.shape)}")
        roots.append((t, g))
    return roots


def _own(g):
    """A gradient stored in .grad must own contiguous memory (it may be zeroed in place later)."""
    data = g._data
    if data.base is not None or not data.flags.c_contiguous:
        return Tensor._make(data.copy(), g._device, g._dtype)
    return g


def _add(a, b):
    """Sum of two gradients; differentiable (an op) only when building a graph of the backward."""
    if a is None:
        return b
    if grad_mode.state.enabled or _trace.tracer.active:  # keep the sum visible to graphs
        return _add_op(a, b)
    return Tensor._make(a._data + b._data, a._device, a._dtype)


def _discover(root_nodes, leaf_counts=None):
    """Set on every reachable node how many edges from reachable nodes point at it (`waiting`)
    and clear its gradient buffer (`pending`). Per-node fields are cheaper than dicts here.
    leaf_counts (when given) gets, per leaf with hooks, how many gradients will reach it."""
    for node in root_nodes:
        node.waiting = 0
    stack = list(root_nodes)
    seen = set(root_nodes)
    pop, push, mark = stack.pop, stack.append, seen.add
    while stack:
        node = pop()
        edges = node.edges
        if edges is None:
            edges = node.edges_list()
        elif not node.inputs:
            node.check_alive()
        for edge in edges:
            if edge.__class__ is tuple:
                child = edge[0]
                if child in seen:
                    child.waiting += 1
                else:
                    child.waiting = 1
                    child.pending = None
                    mark(child)
                    push(child)
            elif leaf_counts is not None and edge is not None and edge._hooks:
                leaf_counts[id(edge)] = leaf_counts.get(id(edge), 0) + 1


def run_backward(roots, retain_graph, create_graph, capture=None, accumulate=True, only=None):
    """Propagate gradients from (tensor, grad) roots.

    capture: dict key -> grad, keys are leaf Tensors or (node, idx); filled instead of .grad.
    accumulate: write leaf .grad; only: restrict accumulation to these leaves (backward(inputs=)).
    A node's incoming gradient waits in node.pending (a Tensor, or a list for multi-output ops)
    until node.waiting, its count of unprocessed consumers, reaches zero.
    """
    owned = set()  # leaves whose .grad array this run allocated, so it may add in place
    # gradients still to reach each leaf with hooks, when post-accumulate hooks may wait on them
    counts = {} if PostAccumulateHook.registered and accumulate else None
    deliver = _LeafDelivery(capture, accumulate, only, create_graph, owned, counts)
    root_nodes = []
    with grad_mode.set_grad_enabled(create_graph):
        seeds = []
        for t, g in roots:
            if t._node is None:
                if counts is not None and t._hooks:
                    counts[id(t)] = counts.get(id(t), 0) + 1
            else:
                seeds.append((t, g))
                if t._node not in root_nodes:
                    root_nodes.append(t._node)
        for node in root_nodes:
            node.pending = None
        for t, g in seeds:
            _pending_add(t._node, t._idx, g)
        _discover(root_nodes, counts)
        for t, g in roots:
            if t._node is None:
                deliver(t, g)
        ready = [n for n in root_nodes if n.waiting == 0]
        pop, push = ready.pop, ready.append
        plain = capture is None and only is None and accumulate and not create_graph and not _trace.tracer.active
        free = not retain_graph
        # the loop below runs once per recorded op: keep it free of calls on the common path
        while ready:
            node = pop()
            grads = node.pending
            node.pending = None
            single = node.n_outputs == 1
            if node.hooks or capture is not None:
                grads = _run_node_hooks(node, grads, capture, single)
            iv = node.in_versions
            if iv is not None:
                if iv.__class__ is tuple and node.out_data is None:  # two inputs, checked inline
                    a, b = node.inputs
                    if a._vc[0] != iv[0] or b._vc[0] != iv[1]:
                        node.check_versions()
                else:
                    node.check_versions()
            elif node.out_data is not None and (not single or node.out_vcs[0][0] != node.out_versions[0]):
                node.check_versions()
            if single:
                in_grads = node.op.backward(node, grads)
            else:
                _fill_missing(node, grads)
                in_grads = node.op.backward(node, *grads)
            if in_grads.__class__ is not tuple:
                in_grads = tuple(in_grads) if in_grads.__class__ is list else (in_grads,)
            for edge, g in zip(node.edges, in_grads):
                if edge is None or g is None:
                    continue
                if edge.__class__ is tuple:
                    child = edge[0]
                    if child.n_outputs == 1:
                        cur = child.pending
                        child.pending = g if cur is None else _add(cur, g)
                    else:
                        _pending_add(child, edge[1], g)
                    left = child.waiting - 1
                    child.waiting = left
                    if not left:
                        push(child)
                elif plain and edge._grad is not None and not edge._hooks and id(edge) in owned:
                    edge._grad._data += g._data  # the common repeat: add into the buffer this run owns
                else:
                    deliver(edge, g)
            if free:
                node.inputs = ()
                node.out_data = None
        if counts is not None:
            deliver.finish()


def _pending_add(node, idx, g):
    if node.n_outputs == 1:
        cur = node.pending
        node.pending = g if cur is None else _add(cur, g)
        return
    if node.pending is None:
        node.pending = [None] * node.n_outputs
    node.pending[idx] = _add(node.pending[idx], g)


def _fill_missing(node, grads):
    """Zeros for differentiable outputs that received no gradient (multi-output ops); made by the
    zeros op, so a traced backward records them instead of capturing one trace's array."""
    for i in node.op.diff_outputs:
        if i >= node.n_outputs:
            break
        if grads[i] is None:
            shape, dtype = node.out_meta[i]
            grads[i] = _zeros(shape, dtype=dtype, device=node.device)


def _run_node_hooks(node, grads, capture, single):
    grads = [grads] if single else grads
    if node.hooks:
        for idx, hooks in node.hooks.items():
            if grads[idx] is not None:
                for hook in hooks:
                    new = hook(grads[idx])
                    if new is not None:
                        grads[idx] = new
    if capture is not None:
        for idx in range(node.n_outputs):
            key = (node, idx)
            if key in capture and grads[idx] is not None:
                capture[key] = _add(capture[key], grads[idx])
    return grads[0] if single else grads


class _LeafDelivery:
    """Hands a gradient to a leaf: hooks, then capture (autograd.grad) or accumulation into .grad."""

    def __init__(self, capture, accumulate, only, create_graph, owned, counts):
        self.capture, self.accumulate, self.only = capture, accumulate, only
        self.create_graph, self.owned, self.counts = create_graph, owned, counts
        self.waiting = {}  # id -> leaf that has gradients still to come
        self.given = {}    # id -> array of the gradients stored as a leaf's .grad in this pass

    def __call__(self, leaf, g):
        if leaf._hooks:
            for hook in leaf._hooks:
                if hook.__class__ is not PostAccumulateHook:
                    new = hook(g)
                    if new is not None:
                        g = new
            self._accumulate(leaf, g)
            counts = self.counts
            if counts is not None and id(leaf) in counts:
                counts[id(leaf)] -= 1
                if counts[id(leaf)]:
                    self.waiting[id(leaf)] = leaf
                else:
                    self.waiting.pop(id(leaf), None)
                    self._post_accumulate(leaf)
            return
        self._accumulate(leaf, g)

    def _post_accumulate(self, leaf):
        if self.only is None or leaf in self.only:
            for hook in leaf._hooks:  # the last of this pass's gradients arrived
                if hook.__class__ is PostAccumulateHook:
                    hook.fn(leaf)

    def finish(self):
        """Leaves that got some of their gradients but not all (a backward rule gave None for an
        edge): their .grad is complete now, so their post-accumulate hooks run."""
        for leaf in list(self.waiting.values()):
            self._post_accumulate(leaf)
        self.waiting.clear()

    def _accumulate(self, leaf, g):
        capture = self.capture
        if capture is not None and leaf in capture:
            capture[leaf] = _add(capture[leaf], g)
            return
        if not self.accumulate or (self.only is not None and leaf not in self.only):
            return
        if g._data.shape != leaf._data.shape:
            raise AutogradError(f"internal: gradient of shape {tuple(g.shape)} for a leaf of shape {tuple(leaf.shape)}")
        if self.create_graph or _trace.tracer.active:  # through the property, which a trace watches
            leaf.grad = g if leaf.grad is None else _add(leaf.grad, g)
        elif leaf._grad is None:
            grad = _own(g.detach() if g.requires_grad else g)
            if id(grad._data) in self.given:  # a rule gave one array to two inputs (LSTM's two biases):
                grad = Tensor._make(grad._data.copy(), grad._device, grad._dtype)  # .grads never share memory
            self.given[id(grad._data)] = grad._data
            leaf._grad = grad
        elif id(leaf) in self.owned:
            leaf._grad._data += g._data  # this run allocated it: accumulate in place
        else:
            leaf._grad = Tensor._make(leaf._grad._data + g._data, leaf._device, leaf._dtype)
            self.owned.add(id(leaf))


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate d(tensors)/d(leaf) into each leaf's .grad."""
    if isinstance(tensors, Tensor):
        tensors = [tensors]
    if grad_tensors is None or isinstance(grad_tensors, Tensor):
        grad_tensors = [grad_tensors]
    if retain_graph is None:
        retain_graph = create_graph
    only = None
    if inputs is not None:
        only = _IdentitySet([inputs] if isinstance(inputs, Tensor) else inputs)
    run_backward(_seed(list(tensors), list(grad_tensors)), retain_graph, create_graph, only=only)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False):
    """Return d(outputs)/d(inputs) without touching .grad (like torch.autograd.grad)."""
    single = isinstance(inputs, Tensor)
    inputs = [inputs] if single else list(inputs)
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    if grad_outputs is None or isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs] * (1 if grad_outputs is not None else len(outputs))
    if retain_graph is None:
        retain_graph = create_graph
    keys = []
    for i, t in enumerate(inputs):
        if not t.requires_grad:
            raise AutogradError(f"input {i} of grad() does not require grad")
        keys.append(t if t._node is None else (t._node, t._idx))
    capture = _CaptureDict(keys)
    run_backward(_seed(outputs, list(grad_outputs)), retain_graph, create_graph,
                 capture=capture, accumulate=False)
    result = []
    for i, key in enumerate(keys):
        g = capture[key]
        if g is None and not allow_unused:
            raise AutogradError(f"input {i} of grad() was not used to compute the outputs; "
                                "pass allow_unused=True if that is expected")
        result.append(g)
    return tuple(result)


class _IdentitySet:
    """Membership by object identity (Tensor.__eq__ is elementwise)."""

    def __init__(self, items):
        self.ids = {id(t) for t in items}

    def __contains__(self, t):
        return id(t) in self.ids


class _CaptureDict:
    """Dict keyed by leaf Tensor identity or (node, idx)."""

    def __init__(self, keys):
        self.values = {self._k(k): None for k in keys}

    @staticmethod
    def _k(key):
        return id(key) if isinstance(key, Tensor) else (id(key[0]), key[1])

    def __contains__(self, key):
        return self._k(key) in self.values

    def __getitem__(self, key):
        return self.values[self._k(key)]

    def __setitem__(self, key, value):
        self.values[self._k(key)] = value


_core_tensor.engine.backward = backward  # Tensor.backward runs here
