"""DistributedDataParallel: one model replica per rank, gradients averaged across the ranks
during backward, as torch.nn.parallel.DistributedDataParallel does.

At wrap time rank 0's parameters and buffers are copied to every rank (so all replicas start
equal) and the ranks check that they hold the same parameter shapes. Each forward copies rank
0's buffers again (broadcast_buffers). During backward, parameters are grouped into buckets of
about bucket_cap_mb, in reverse registration order (roughly the order their gradients become
ready); when the last gradient of a bucket is complete its all-reduce starts on the
communication thread while backward goes on computing earlier layers' gradients. backward()
returns once every bucket is reduced, so after loss.backward() each p.grad holds the mean over
the ranks of their gradients, and optimizer.step() is the same on every rank.

In a compiled training step (ug.jit over forward, backward and step) the buckets' reductions
and the buffer broadcast are ops in the graph; they run in order, without the overlap.
"""
import contextlib
import time

import numpy as np

from ...backend import process_group as _pg
from ...backend.process_group import ReduceOp
from ...core.tensor import Tensor
from ...core.trace_hook import state as _trace
from ...errors import DistributedError, InvalidArgumentError
from ...graph.structure import flatten
from ...ops import api as F
from ...ops.collective.all_reduce import all_reduce as _all_reduce_op
from ...ops.collective.broadcast import broadcast as _broadcast_op
from ..modules.module import Module


class _Bucket:
    """Parameters whose gradients are reduced together through one flat buffer."""
    __slots__ = ("index", "params", "offsets", "numel", "buffer", "ready", "work")

    def __init__(self, index, params):
        self.index, self.params = index, params
        self.offsets, total = [], 0
        for p in params:
            self.offsets.append(total)
            total += p._data.size
        self.numel = total
        self.buffer = None  # allocated on first use, on the parameters' device
        self.ready = 0
        self.work = None


class DistributedDataParallel(Module):
    """Data-parallel training of `module`: run one process per replica (`unigrad run -n N
    train.py`), give each rank its part of the data (ug.data.DistributedSampler), and train as in
    one process; gradients are averaged across the ranks inside backward().

    Args:
        module: the model, already on this rank's device (unigrad.distributed.device()).
        device_ids, output_device: accepted for PyTorch's signature (one device per process).
        broadcast_buffers: copy rank 0's buffers (BatchNorm statistics) to every rank at each forward.
        bucket_cap_mb: the size of a gradient bucket, in MiB: smaller buckets start reducing
            sooner, larger ones make fewer, more efficient calls. By default PyTorch's 25, or a
            quarter of the model's gradients when that is smaller (at least 1 MiB): with one 25 MiB
            bucket a small model's whole reduction would wait for the end of backward.
        find_unused_parameters: allow parameters that get no gradient in some iterations (their
            slot is reduced as zeros); found by walking the forward's graph at every forward.
        process_group: the group to reduce over (the job's default group).

    Example::

        >>> model = ug.nn.parallel.DistributedDataParallel(ug.nn.Linear(3, 2))   # one process: world of 1
        >>> loss = model(ug.ones(4, 3)).sum(); loss.backward()
        >>> tuple(model.module.weight.grad.shape)
        (2, 3)
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0, broadcast_buffers=True,
                 process_group=None, bucket_cap_mb=None, find_unused_parameters=False, **unused):
        super().__init__()
        if not isinstance(module, Module):
            raise InvalidArgumentError(f"DistributedDataParallel: expected an nn.Module, got {type(module).__name__}")
        if dim != 0:
            raise InvalidArgumentError("DistributedDataParallel: dim must be 0 (each rank feeds its own batch)")
        if bucket_cap_mb is not None and (not bucket_cap_mb or bucket_cap_mb <= 0):
            raise InvalidArgumentError(f"DistributedDataParallel: bucket_cap_mb must be > 0, got {bucket_cap_mb!r}")
        self.module = module
        object.__setattr__(self, "_group", process_group or _pg.current())
        self.broadcast_buffers = broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.require_backward_grad_sync = True
        params = [p for p in module.parameters() if p.requires_grad]
        object.__setattr__(self, "_params", params)
        object.__setattr__(self, "_names", {id(p): n for n, p in module.named_parameters() if p.requires_grad})
        self._check_replicas(params)
        self._sync_state(module)
        buckets = _make_buckets(params, _bucket_cap(params, bucket_cap_mb))
        object.__setattr__(self, "_buckets", buckets)
        object.__setattr__(self, "_bucket_of", {id(p): (b, i) for b in buckets for i, p in enumerate(b.params)})
        object.__setattr__(self, "_pass", None)
        # the last eager backward's reduction: buckets, comm_s (all-reduce time), hidden_s (the
        # part of it that ran during backward), exposed_s (how long backward waited at its end)
        object.__setattr__(self, "reduction_stats", None)
        for p in params:
            p.register_post_accumulate_grad_hook(self._grad_ready)

    # ---- set-up ----------------------------------------------------------------------------
    def _world(self):
        return self._group.size if self._group is not None else 1

    def _check_replicas(self, params):
        """Every rank must wrap the same model: compare a fingerprint of the parameter shapes."""
        if self._world() == 1:
            return
        shapes = ";".join(f"{tuple(p._data.shape)}:{p._data.dtype}" for p in params)
        mine = np.array([len(params), sum(p._data.size for p in params), _crc(shapes)], dtype=np.int64)
        every = self._group.all_gather(_on(mine, params[0] if params else None))
        every = np.asarray(every.get() if hasattr(every, "get") else every)
        bad = [r for r in range(every.shape[0]) if not np.array_equal(every[r], every[0])]
        if bad:
            raise DistributedError(
                f"DistributedDataParallel: rank(s) {bad} wrap a model whose parameters differ from rank 0's "
                f"(rank 0: {every[0][0]} parameters, {every[0][1]} values; rank {bad[0]}: {every[bad[0]][0]} "
                f"parameters, {every[bad[0]][1]} values). Every rank must build the same model.")

    def _sync_state(self, module):
        """Rank 0's parameters and buffers to every rank (a fresh model differs per seed)."""
        if self._world() == 1:
            return
        for t in list(module.parameters()) + list(module.buffers()):
            self._group.broadcast(t._data, 0)
            t._vc[0] += 1

    # ---- forward ---------------------------------------------------------------------------
    def forward(self, *inputs, **kwargs):
        self._check_previous_pass()
        if self.broadcast_buffers and self._world() > 1:
            self._broadcast_buffers()
        out = self.module(*inputs, **kwargs)
        if self.require_backward_grad_sync and _grad_wanted(self._params):
            unused = _unreached(out, self._params) if self.find_unused_parameters else ()
            object.__setattr__(self, "_pass", _Pass(self, unused))
        else:
            object.__setattr__(self, "_pass", None)  # no_sync(), eval or no_grad: gradients stay local
        return out

    def _broadcast_buffers(self):
        for b in self.module.buffers():
            if _trace.tracer.active:
                b.copy_(_broadcast_op(b, 0))
            else:
                self._group.broadcast(b._data, 0)
                b._vc[0] += 1

    def _check_previous_pass(self):
        p = self._pass
        if p is not None and p.started and not p.finished:
            object.__setattr__(self, "_pass", None)
            missing = [self._names[id(q)] for q in self._params if id(q) not in p.seen]
            raise DistributedError(
                "DistributedDataParallel: the previous backward pass did not reduce every gradient: parameter(s) "
                f"{missing[:8]}{' ...' if len(missing) > 8 else ''} got no gradient, so their buckets were never "
                "reduced and the ranks are out of step. Pass find_unused_parameters=True if some parameters are "
                "not used in every forward, or make the loss depend on them.")

    @contextlib.contextmanager
    def no_sync(self):
        """Forwards and backwards inside keep their gradients local (gradient accumulation); the
        first backward after it reduces the accumulated gradients. (Eager steps: a compiled step
        keeps the reduction it was traced with.)"""
        before = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = before

    # ---- backward: the hook on every parameter -------------------------------------------
    def _grad_ready(self, param):
        p = self._pass
        if p is not None:
            p.grad_ready(param)


class _Pass:
    """One forward's backward: which gradients are in, which buckets are reduced."""

    def __init__(self, ddp, unused):
        self.ddp = ddp
        self.seen = set()
        self.started = False
        self.finished = False
        self.next_bucket = 0  # buckets start reducing in index order (every rank issues the same calls)
        self.unused = unused
        self.tracing = _trace.tracer.active
        for b in ddp._buckets:
            b.ready, b.work = 0, None
        for param in unused:
            self._count(param)

    def grad_ready(self, param):
        if id(param) in self.seen:  # a second backward through the same forward (retain_graph)
            raise DistributedError(
                f"DistributedDataParallel: parameter {self.ddp._names[id(param)]!r} got a second gradient in one "
                "iteration (backward twice through one forward); call forward again before each backward.")
        self.started = True
        self._count(param)

    def _count(self, param):
        self.seen.add(id(param))
        bucket, _ = self.ddp._bucket_of[id(param)]
        bucket.ready += 1
        buckets = self.ddp._buckets
        while self.next_bucket < len(buckets) and buckets[self.next_bucket].ready == len(buckets[self.next_bucket].params):
            self._launch(buckets[self.next_bucket])
            self.next_bucket += 1
        if self.next_bucket == len(buckets) and self.started and not self.finished:
            self._finish()

    def _launch(self, bucket):
        group = self.ddp._group
        if group is None or group.size == 1:
            return  # one process: the gradients are the mean already
        if self.tracing:
            return self._reduce_traced(bucket)
        grads = [q._grad for q in bucket.params]
        first = bucket.params[0]
        if bucket.buffer is None:
            bucket.buffer = first._device.xp.empty(bucket.numel, dtype=first._data.dtype)
        buf = bucket.buffer
        for q, g, off in zip(bucket.params, grads, bucket.offsets):
            n = q._data.size
            if g is None:
                buf[off:off + n] = 0
            else:
                buf[off:off + n] = g._data.reshape(-1)
        bucket.work = group.all_reduce(buf, ReduceOp.AVG, async_op=True)

    def _reduce_traced(self, bucket):
        grads = [q.grad if q.grad is not None else F.zeros_like(q) for q in bucket.params]
        flat = F.cat([g.reshape(-1) for g in grads]) if len(grads) > 1 else grads[0].reshape(-1)
        flat = _all_reduce_op(flat, ReduceOp.AVG)
        for q, off in zip(bucket.params, bucket.offsets):
            n = q._data.size
            q.grad = flat[off:off + n].reshape(q.shape)

    def _finish(self):
        self.finished = True
        if self.tracing:
            return
        ddp = self.ddp
        group = ddp._group
        if group is None or group.size == 1:
            return
        backward_done = time.perf_counter()
        works = [bucket.work for bucket in ddp._buckets]
        for work in works:
            work.wait()
        object.__setattr__(ddp, "reduction_stats", _stats(works, backward_done, time.perf_counter()))
        for bucket in ddp._buckets:
            bucket.work = None
        used_anywhere = self._used_anywhere() if self.unused else None
        for bucket in ddp._buckets:
            for q, off in zip(bucket.params, bucket.offsets):
                part = bucket.buffer[off:off + q._data.size].reshape(q._data.shape)
                if q._grad is not None:
                    q._grad._data[...] = part
                    q._grad._vc[0] += 1
                elif used_anywhere is None or used_anywhere.get(id(q), True):
                    q._grad = Tensor._make(part.copy(), q._device, q._dtype)

    def _used_anywhere(self):
        """Which locally unused parameters some other rank used (those get the reduced gradient,
        the rest keep no gradient, as PyTorch does)."""
        params = self.ddp._params
        group = self.ddp._group
        if group is None or group.size == 1:
            return {}
        unused = {id(p) for p in self.unused}
        used = np.array([0 if id(p) in unused else 1 for p in params], dtype=np.int32)
        buf = _on(used, params[0])
        group.all_reduce(buf, ReduceOp.MAX)
        buf = buf.get() if hasattr(buf, "get") else buf
        return {id(p): bool(u) for p, u in zip(params, buf)}


# ---- helpers -------------------------------------------------------------------------------
def _stats(works, backward_done, reduced):
    """How much of the last backward's reduction ran while backward was still computing: each
    bucket's all-reduce interval on the communication thread, cut at the moment backward
    finished and began to wait."""
    timed = [w for w in works if w.started is not None]
    comm = sum(w.ended - w.started for w in timed)
    hidden = sum(max(0.0, min(w.ended, backward_done) - w.started) for w in timed)
    return {"buckets": len(works), "comm_s": comm, "hidden_s": hidden, "exposed_s": reduced - backward_done}


FIRST_BUCKET_BYTES = 1024 * 1024  # as PyTorch: the last layers' gradients start reducing early


DEFAULT_BUCKET_BYTES = 25 * 1024 * 1024  # PyTorch's bucket_cap_mb


def _bucket_cap(params, bucket_cap_mb):
    if bucket_cap_mb is not None:
        return int(bucket_cap_mb * 1024 * 1024)
    total = sum(p._data.nbytes for p in params)
    return min(DEFAULT_BUCKET_BYTES, max(FIRST_BUCKET_BYTES, total // 4))


def _make_buckets(params, cap_bytes):
    """Reverse registration order, a new bucket when one would pass its cap (1 MiB for the
    first, cap_bytes after) or change dtype or device (a flat buffer holds one of each)."""
    buckets, current, size = [], [], 0
    for p in reversed(params):
        nbytes = p._data.nbytes
        cap = min(cap_bytes, FIRST_BUCKET_BYTES) if not buckets else cap_bytes
        if current and (size + nbytes > cap or p._dtype != current[0]._dtype or p._device != current[0]._device):
            buckets.append(_Bucket(len(buckets), current))
            current, size = [], 0
        current.append(p)
        size += nbytes
    if current:
        buckets.append(_Bucket(len(buckets), current))
    return buckets


def _grad_wanted(params):
    from ...core import grad_mode
    return grad_mode.is_grad_enabled() and bool(params)


def _unreached(outputs, params):
    """The parameters the forward's outputs do not depend on (find_unused_parameters)."""
    stack, seen, reached, found = [], set(), set(), []
    flatten(outputs, found)  # the Tensors in the nested outputs
    for t in found:
        if t._node is not None:
            stack.append(t._node)
        elif t.requires_grad:
            reached.add(id(t))
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        for edge in (node.edges if node.edges is not None else node.edges_list()):
            if edge.__class__ is tuple:
                stack.append(edge[0])
            elif edge is not None:
                reached.add(id(edge))
    return [p for p in params if id(p) not in reached]


def _on(array, like):
    """A host array on `like`'s device (NCCL reduces device memory)."""
    if like is None or like._device.type == "cpu":
        return array
    return like._device.xp.asarray(array)


def _crc(text):
    import zlib
    return zlib.crc32(text.encode())
