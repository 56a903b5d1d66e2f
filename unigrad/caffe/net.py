"""pycaffe's Net over unigrad: a Caffe definition built into layers of registry ops, run as
compiled graphs.

    net = unigrad.caffe.Net("lenet.prototxt", "lenet_iter_10000.caffemodel", unigrad.caffe.TEST)
    net.blobs["data"].data[...] = images
    out = net.forward()                 # {"prob": array}: the net outputs
    net.backward()                      # diffs of every blob that needs one

`forward` runs the layers as one compiled graph (ug.jit) per range of layers; `backward`
recomputes that range's forward with the same dropout masks and takes its gradient in one
compiled graph, so blob and parameter diffs are what Caffe's backward gives.
"""
import collections
import os

import numpy as np

from ..autograd import grad as autograd_grad
from ..core.grad_mode import enable_grad, no_grad
from ..core.tensor import Tensor
from ..graph.jit import jit
from ..ops import api as F
from . import builder
from .blob import Blob, ParamBlob
from .errors import NetDefinitionError
from .layers.base import Context
from .mode import current_device
from .parse import read_net
from .proto import caffe_pb2 as pb
from .rng import rng
from .state import make_state

TRAIN, TEST = pb.TRAIN, pb.TEST


class LayerView:
    """A layer as pycaffe shows it: `type`, `name` and its parameter `blobs`."""

    def __init__(self, layer, blobs):
        self.layer, self.blobs = layer, blobs

    type = property(lambda self: self.layer.type)
    name = property(lambda self: self.layer.name)

    def __repr__(self):
        return f"<Layer '{self.name}' ({self.type})>"


class RangePlan:
    """What running layers [first, last] needs and produces: the blobs fed from outside (sources'
    tops and blobs computed before `first`), the dropout layers that draw masks, every blob it
    writes, and the blobs it leaves for later (its outputs)."""

    def __init__(self, net, first, last):
        layers = net.built.layers[first:last + 1]
        self.first, self.last = first, last
        self.externals, self.sources, produced, reads = [], [], [], []
        for layer in layers:
            for b in layer.bottom_names:
                if b not in produced and b not in self.externals:
                    self.externals.append(b)
                reads.append(b)
            if layer.source:
                self.sources.append(layer)
                self.externals.extend(t for t in layer.top_names if t not in self.externals)
            else:
                produced.extend(t for t in layer.top_names if t not in produced)
        self.produced = produced
        self.mask_layers = [layer for layer in layers if getattr(layer, "random_mask", False)
                            and getattr(layer, "active", False)]
        later = {b for layer in layers for b in layer.bottom_names}
        # blobs no layer of the range reads after they are last written: the range's outputs
        self.outputs = []
        last_write = {}
        for i, layer in enumerate(layers):
            for t in layer.top_names:
                last_write[t] = i
        for t, i in last_write.items():
            read_after = any(t in layer.bottom_names for layer in layers[i + 1:])
            if not read_after:
                self.outputs.append(t)
        self.reads = later


class Net:
    """A Caffe net (pycaffe's ``caffe.Net``).

    ``Net(prototxt, phase)``, ``Net(prototxt, weights, phase)`` (pycaffe's positional forms) or
    ``Net(prototxt, weights=..., phase=..., level=..., stages=[...])``; `prototxt` may also be
    prototxt text or a NetParameter. Attributes: `blobs` and `params` (OrderedDicts of Blobs),
    `layers`, `inputs`, `outputs`, `top_names`, `bottom_names`; methods `forward`, `backward`,
    `reshape`, `copy_from`, `save`, `share_with`.

    Example::

        >>> from unigrad import caffe
        >>> net = caffe.Net('''name: "tiny" layer { name: "x" type: "Input" top: "x"
        ...   input_param { shape { dim: 2 dim: 3 } } }
        ... layer { name: "ip" type: "InnerProduct" bottom: "x" top: "y"
        ...   inner_product_param { num_output: 1 weight_filler { type: "constant" value: 1 } } }''', caffe.TEST)
        >>> net.forward(x=np.ones((2, 3), np.float32))["y"].tolist()
        [[3.0], [3.0]]
    """

    def __init__(self, network_file, *args, phase=None, weights=None, level=0, stages=(), state=None,
                 device=None, compiled=True):
        for a in args:  # pycaffe: Net(file, phase) or Net(file, weights, phase)
            if isinstance(a, (str, os.PathLike)) and weights is None:
                weights = os.fspath(a)
            elif isinstance(a, int) and phase is None:
                phase = a
            else:
                raise NetDefinitionError(f"Net: unexpected positional argument {a!r}; use Net(prototxt, phase) or "
                                         "Net(prototxt, weights, phase)")
        param = read_net(network_file)
        self.source = network_file if isinstance(network_file, (str, os.PathLike)) and \
            os.path.exists(os.fspath(network_file)) else "<prototxt>"
        if state is None:
            state = make_state(TEST if phase is None else phase, level, stages,
                               base=param.state if param.HasField("state") else None)
        self.state = state
        self.phase = state.phase
        self.device = device or current_device()
        self.compiled = compiled
        self.built = builder.build(param, state, self.device, self.source)
        self._setup_views()
        self._compiled = {}
        self._masks = {}
        self._touched = []
        if weights:
            for path in str(weights).split(","):
                self.copy_from(path)

    # ---- construction --------------------------------------------------------------------------
    def _setup_views(self):
        b = self.built
        self.blobs = collections.OrderedDict((n, Blob(n, b.blob_shapes[n])) for n in b.blob_names)
        for layer in b.layers:
            for name, w in zip(layer.top_names, layer.loss_weights):
                if w:
                    self.blobs[name].diff[...] = w  # the loss tops' diffs start at their weights, as in Caffe
        self.layers = []
        self.params = collections.OrderedDict()
        self._param_blobs = {}
        for layer in b.layers:
            blobs = []
            for ref in layer.params:
                key = id(ref)
                blobs.append(self._param_blobs.setdefault(key, ParamBlob(ref, self)))
            self.layers.append(LayerView(layer, blobs))
            if blobs:
                self.params[layer.name] = blobs
        for learnable in b.learnables:
            learnable.tensor.requires_grad_(any(ref.need_grad for layer in b.layers for ref in layer.params
                                                if ref.learnable is learnable))
        self._layer_index = {layer.name: i for i, layer in enumerate(b.layers)}

    name = property(lambda self: self.built.name)
    inputs = property(lambda self: list(self.built.inputs))
    outputs = property(lambda self: list(self.built.outputs))
    _layer_names = property(lambda self: [layer.name for layer in self.built.layers])
    layer_dict = property(lambda self: collections.OrderedDict((v.name, v) for v in self.layers))
    top_names = property(lambda self: collections.OrderedDict((layer.name, list(layer.top_names))
                                                              for layer in self.built.layers))
    bottom_names = property(lambda self: collections.OrderedDict((layer.name, list(layer.bottom_names))
                                                                 for layer in self.built.layers))
    _blob_loss_weights = property(lambda self: collections.OrderedDict(
        (name, w) for layer in self.built.layers for name, w in zip(layer.top_names, layer.loss_weights)))

    def blob_loss_weights(self):
        """Each blob's loss weight (0 for blobs that are not losses)."""
        weights = collections.OrderedDict((n, 0.0) for n in self.blobs)
        weights.update(self._blob_loss_weights)
        return weights

    def _index(self, name, default):
        if name is None:
            return default
        if name not in self._layer_index:
            raise NetDefinitionError(f"net '{self.name}' has no layer named '{name}'; its layers are "
                                     f"{self._layer_names}")
        return self._layer_index[name]

    # ---- the computation -----------------------------------------------------------------------
    def evaluate(self, plan, feeds, ctx, grad_feeds=(), prune=True):
        """Run the range's layers on Tensors. `feeds` maps external blob names to Tensors; returns
        (final value of every blob, first value of each blob written in place). `prune` applies
        Caffe's backward needs (propagate_down, lr_mult 0, layers below no loss); a Module, whose
        loss is computed outside the net, turns it off."""
        values, first = dict(feeds), {}
        for name in grad_feeds:
            values[name] = first[name] = values[name].detach().requires_grad_(True)
        for layer in self.built.layers[plan.first:plan.last + 1]:
            if layer.source:
                continue
            bottoms = []
            for j, b in enumerate(layer.bottom_names):
                t = values[b]
                if prune and not layer.bottom_need_grad[j] and t.requires_grad:
                    t = t.detach()
                bottoms.append(t)
            params = []
            for ref, need in zip(layer.params, layer.param_need_grad):
                t = ref.tensor
                if tuple(t.shape) != ref.shape:
                    t = t.reshape(ref.shape)  # a PERMISSIVE share sees the owner in its own shape
                params.append(t if need or not prune or not t.requires_grad else t.detach())
            tops = layer.forward(bottoms, params, ctx)
            for name, t in zip(layer.top_names, tops):
                if name not in first:
                    first[name] = t
                values[name] = t
        return values, first

    def _loss_tensor(self, values):
        """The net loss from evaluate's `values`: the loss tops' sums times their weights, as a
        0-d Tensor (one graph node per term)."""
        terms = [F.mul(F.sum(values[name]), w) if w != 1 else F.sum(values[name])
                 for layer in self.built.layers for name, w in zip(layer.top_names, layer.loss_weights) if w]
        loss = terms[0] if terms else F.zeros((), device=self.device)
        for t in terms[1:]:
            loss = F.add(loss, t)
        return loss

    def _plan(self, first, last):
        key = ("plan", first, last)
        plan = self._compiled.get(key)
        if plan is None:
            plan = self._compiled[key] = RangePlan(self, first, last)
        return plan

    def _function(self, key, make):
        fn = self._compiled.get(key)
        if fn is None:
            fn = make()
            if self.compiled:
                fn = jit(fn)
            self._compiled[key] = fn
        return fn

    def _tensor(self, array):
        array = np.require(array, np.float32, "C")  # (keeps 0-d arrays 0-d)
        if self.device.type == "cpu":
            return Tensor._make(array, self.device, _float32())
        return Tensor._make(self.device.xp.asarray(array), self.device, _float32())

    def _sync_params(self):
        for blob in self._touched:
            blob.sync()
        self._touched.clear()

    def _source_feeds(self, plan, pull):
        """Feeds for the range's externals: a new batch from each data layer when `pull`, else
        the blobs' current data."""
        for layer in plan.sources:
            batch = layer.next_batch() if pull else None
            if batch is not None:
                for name, array in zip(layer.top_names, batch):
                    blob = self.blobs[name]
                    blob._data_tensor = None
                    blob._data = np.asarray(array, dtype=np.float32)
        return [self._tensor(self.blobs[b].data) for b in plan.externals]

    def _draw_masks(self, plan):
        for layer in plan.mask_layers:
            shape = self.blobs[layer.bottom_names[0]].shape
            self._masks[layer.name] = self._tensor(layer.draw_mask(shape, rng()))
        return [self._masks[layer.name] for layer in plan.mask_layers]

    def _masks_for(self, plan):
        out = []
        for layer in plan.mask_layers:
            if layer.name not in self._masks:
                self._draw_masks(plan)
            out.append(self._masks[layer.name])
        return out

    def _segments(self, first, last):
        """Layers [first, last] as compiled ranges between host (Python) layers."""
        out, start = [], first
        for i in range(first, last + 1):
            if getattr(self.built.layers[i], "host", False):
                if start < i:
                    out.append((False, start, i - 1))
                out.append((True, i, i))
                start = i + 1
        if start <= last:
            out.append((False, start, last))
        return out

    def _host_blobs(self, names):
        return [self.blobs[n] for n in names]

    def _run_forward(self, first, last):
        plan = None
        for host, a, b in self._segments(first, last):
            if host:
                layer = self.built.layers[a]
                layer.host_forward(self._host_blobs(layer.bottom_names), self._host_blobs(layer.top_names))
            else:
                plan = self._forward_graph(a, b)
        for layer in self.built.layers[first:last + 1]:
            if getattr(layer, "sink", False):
                layer.write(*[self.blobs[b].data for b in layer.bottom_names])
        return plan

    def _forward_graph(self, first, last):
        plan = self._plan(first, last)
        self._sync_params()
        feeds = self._source_feeds(plan, pull=True)
        masks = self._draw_masks(plan)
        n = len(plan.externals)

        def make():
            def forward(*args):
                values, _ = self.evaluate(plan, dict(zip(plan.externals, args[:n])),
                                          Context(self.phase, dict(zip([m.name for m in plan.mask_layers], args[n:]))))
                return tuple(values[b] for b in plan.produced)
            return forward
        fn = self._function(("forward", first, last), make)
        with no_grad():
            outs = fn(*feeds, *masks)
        for name, t in zip(plan.produced, outs):
            self.blobs[name].set_data(t)
        return plan

    def _forward_outputs(self):
        """A whole-net forward that keeps only the outputs (a solver's test pass): returns their
        arrays, also left in their blobs."""
        last = len(self.built.layers) - 1
        if self.needs_host:
            self._run_forward(0, last)
            return [self.blobs[name].data for name in self.outputs]
        plan = self._plan(0, last)
        self._sync_params()
        feeds = self._source_feeds(plan, pull=True)
        masks = self._draw_masks(plan)
        n = len(plan.externals)
        outputs = self.outputs

        def make():
            def forward_outputs(*args):
                values, _ = self.evaluate(plan, dict(zip(plan.externals, args[:n])),
                                          Context(self.phase, dict(zip([m.name for m in plan.mask_layers], args[n:]))))
                return tuple(values[b] for b in outputs)
            return forward_outputs
        fn = self._function(("outputs", 0, last), make)
        with no_grad():
            outs = fn(*feeds, *masks)
        for name, t in zip(outputs, outs):
            self.blobs[name].set_data(t)
        return [self.blobs[name].data for name in outputs]

    def _loss_of(self, output_arrays):
        weights = self.blob_loss_weights()
        return sum(weights[name] * float(np.sum(a)) for name, a in zip(self.outputs, output_arrays) if weights[name])

    def _run_backward(self, first, last):
        """Gradients for layers [first, last]: the range's outputs' diffs (loss weights for loss
        tops) flow down to every blob and parameter that needs one."""
        plan = None
        for host, a, b in reversed(self._segments(first, last)):
            if host:
                layer = self.built.layers[a]
                layer.host_backward(self._host_blobs(layer.top_names), list(layer.bottom_need_grad),
                                    self._host_blobs(layer.bottom_names))
            else:
                plan = self._backward_graph(a, b)
        return plan

    @property
    def needs_host(self):
        """Whether a pass needs the host between layers (Python layers) or after them (HDF5Output)."""
        return any(getattr(layer, "host", False) or getattr(layer, "sink", False) for layer in self.built.layers)

    def _backward_graph(self, first, last):
        plan = self._plan(first, last)
        self._sync_params()
        feeds = self._source_feeds(plan, pull=False)
        masks = self._masks_for(plan)
        n, m = len(plan.externals), len(plan.mask_layers)
        layers = self.built.layers[first:last + 1]
        grad_feeds = [b for b in plan.externals
                      if any(need and b == name for layer in layers
                             for name, need in zip(layer.bottom_names, layer.bottom_need_grad))]
        refs = []
        for layer in layers:
            for ref, need in zip(layer.params, layer.param_need_grad):
                if need and ref not in refs:
                    refs.append(ref)
        learnables = []
        for ref in refs:
            if ref.learnable not in learnables:
                learnables.append(ref.learnable)
        diff_blobs = [b for b in plan.produced + grad_feeds]
        diffs = [self._tensor(self.blobs[b].diff) for b in plan.outputs]

        def make():
            def forward_backward(*args):
                masks_in = dict(zip([layer.name for layer in plan.mask_layers], args[n:n + m]))
                with enable_grad():
                    values, first_values = self.evaluate(plan, dict(zip(plan.externals, args[:n])),
                                                         Context(self.phase, masks_in, update_stats=False),
                                                         grad_feeds)
                    roots, seeds = [], []
                    for b, d in zip(plan.outputs, args[n + m:]):
                        if values[b].requires_grad:
                            roots.append(values[b])
                            seeds.append(d)
                    wrt = [first_values[b] for b in diff_blobs if b in first_values
                           and first_values[b].requires_grad]
                    wrt_names = [b for b in diff_blobs if b in first_values and first_values[b].requires_grad]
                    wrt += [lr.tensor for lr in learnables]
                    grads = autograd_grad(roots, wrt, seeds, allow_unused=True) if roots and wrt else \
                        [None] * len(wrt)
                forward_backward.wrt_names = wrt_names
                out = [values[b] for b in plan.produced]
                for t, g in zip(wrt, grads):
                    out.append(g if g is not None else t.detach() * 0.0)
                return tuple(out)
            return forward_backward
        fn = self._function(("backward", first, last), make)
        with no_grad():
            outs = fn(*feeds, *masks, *diffs)
        raw = fn.fn if hasattr(fn, "fn") else fn
        names = raw.wrt_names
        produced = len(plan.produced)
        for name, t in zip(plan.produced, outs[:produced]):
            self.blobs[name].set_data(t)
        diffs_out = outs[produced:produced + len(names)]
        for name in diff_blobs:
            if name not in names and name not in plan.outputs:
                self.blobs[name].clear_diff()
        for name, g in zip(names, diffs_out):
            self.blobs[name].set_diff(g)
        for learnable, g in zip(learnables, outs[produced + len(names):]):
            for blob in self._param_blobs_of(learnable):
                blob.set_diff(g)
        return plan

    def _compiled_state_changed(self):
        """Weights were replaced or re-shared: drop compiled graphs (they hold the old tensors)."""
        self._compiled = {k: v for k, v in self._compiled.items() if k[0] == "plan"}

    def _param_blobs_of(self, learnable):
        return [blob for blob in self._param_blobs.values() if blob._ref.learnable is learnable]

    # ---- pycaffe's methods ---------------------------------------------------------------------
    def forward(self, blobs=None, start=None, end=None, **kwargs):
        """Run layers from `start` to `end` (names; the whole net by default). Keyword arguments
        set input blobs first. Returns {name: array} for the net outputs (or `end`'s tops) and
        any names in `blobs`."""
        blobs = list(blobs or [])
        first = self._index(start, 0)
        last = self._index(end, len(self.built.layers) - 1)
        outputs = list(self.built.layers[last].top_names) + blobs if end is not None else self.outputs + blobs
        for name, value in kwargs.items():
            if name not in self.blobs:
                raise NetDefinitionError(f"forward(): net '{self.name}' has no blob '{name}' (inputs: {self.inputs})")
            value = np.asarray(value, dtype=np.float32)
            if value.shape != self.blobs[name].shape:
                raise NetDefinitionError(f"forward(): '{name}' has shape {list(value.shape)} but the blob is "
                                         f"{list(self.blobs[name].shape)}; reshape it first "
                                         f"(net.blobs['{name}'].reshape(...); net.reshape())")
            self.blobs[name].data[...] = value
        self._run_forward(first, last)
        return {name: self.blobs[name].data for name in dict.fromkeys(outputs)}

    def backward(self, diffs=None, start=None, end=None, **kwargs):
        """Back-propagate from layer `start` down to `end` (the whole net by default); keyword
        arguments set output blobs' diffs first. Returns {name: diff} for the net inputs (or
        `end`'s bottoms) and any names in `diffs`."""
        diffs = list(diffs or [])
        last = self._index(start, len(self.built.layers) - 1)
        first = self._index(end, 0)
        outputs = list(self.built.layers[first].bottom_names) + diffs if end is not None else self.inputs + diffs
        for name, value in kwargs.items():
            if name not in self.blobs:
                raise NetDefinitionError(f"backward(): net '{self.name}' has no blob '{name}' "
                                         f"(outputs: {self.outputs})")
            self.blobs[name].diff[...] = np.asarray(value, dtype=np.float32)
        self._run_backward(first, last)
        return {name: self.blobs[name].diff for name in dict.fromkeys(outputs)}

    def _batches(self, arrays):
        """pycaffe's batching of forward_all: chunks of the first input's batch size, the last
        padded with zeros; yields (feeds, rows of padding)."""
        names = list(arrays)
        sizes = {len(arrays[n]) for n in names}
        if len(sizes) != 1:
            raise NetDefinitionError(f"forward_all(): the arrays have different lengths "
                                     f"{ {n: len(arrays[n]) for n in names} }")
        total = sizes.pop()
        batch = self.blobs[names[0]].shape[0]
        for start in range(0, total, batch):
            feeds, pad = {}, max(0, start + batch - total)
            for n in names:
                chunk = np.asarray(arrays[n][start:start + batch], np.float32)
                if pad:
                    chunk = np.concatenate([chunk, np.zeros((pad,) + chunk.shape[1:], np.float32)])
                feeds[n] = chunk
            yield feeds, pad

    def forward_all(self, blobs=None, **kwargs):
        """Forward over arrays longer than a batch (pycaffe's forward_all): returns {name: array}
        for the outputs and `blobs`, concatenated over the batches, padding dropped."""
        outs = {}
        for feeds, pad in self._batches(kwargs):
            for name, value in self.forward(blobs=blobs, **feeds).items():
                outs.setdefault(name, []).append(np.array(value[:len(value) - pad] if pad else value))
        return {name: np.concatenate(parts) for name, parts in outs.items()}

    def forward_backward_all(self, blobs=None, diffs=None, **kwargs):
        """forward_all and backward per batch (pycaffe's forward_backward_all): keyword arguments
        name input blobs and output diffs; returns ({name: data}, {name: diff})."""
        forward_in = {k: v for k, v in kwargs.items() if k in self.inputs}
        backward_in = {k: v for k, v in kwargs.items() if k not in self.inputs}
        outs, grads = {}, {}
        both = dict(forward_in, **backward_in)
        for feeds, pad in self._batches(both):
            f = self.forward(blobs=blobs, **{k: v for k, v in feeds.items() if k in forward_in})
            b = self.backward(diffs=diffs, **{k: v for k, v in feeds.items() if k in backward_in})
            for target, result in ((outs, f), (grads, b)):
                for name, value in result.items():
                    target.setdefault(name, []).append(np.array(value[:len(value) - pad] if pad else value))
        return ({n: np.concatenate(p) for n, p in outs.items()}, {n: np.concatenate(p) for n, p in grads.items()})

    def forward_backward(self):
        """One forward and one backward pass over the whole net; returns the net loss."""
        self.forward()
        self.backward()
        return self.loss()

    def loss(self):
        """The weighted sum of the loss tops after the last forward."""
        total = 0.0
        for layer in self.built.layers:
            for name, w in zip(layer.top_names, layer.loss_weights):
                if w:
                    total += w * float(np.sum(self.blobs[name].data))
        return total

    def reshape(self):
        """Propagate changed input blob shapes (``blobs[name].reshape(...)``) through the net."""
        shapes = {}
        for layer in self.built.layers:
            if layer.source:
                tops = [self.blobs[t].shape for t in layer.top_names] if getattr(layer, "fed", False) \
                    else layer.top_shapes()
            else:
                bottom_shapes = [shapes[b] for b in layer.bottom_names]
                specs = layer.setup(bottom_shapes)
                for spec, ref in zip(specs, layer.params):
                    if spec.shape != ref.shape:
                        raise NetDefinitionError(f"reshape: layer '{layer.name}' would need param shape "
                                                 f"{list(spec.shape)} but has {list(ref.shape)}")
                tops = builder._top_shapes(layer, bottom_shapes, self.device)
            for name, shape in zip(layer.top_names, tops):
                shapes[name] = tuple(shape)
        for name, shape in shapes.items():
            blob = self.blobs[name]
            if tuple(blob.shape) != shape:
                blob.reshape(*shape)
        self.built.blob_shapes.update(shapes)

    def copy_from(self, path):
        """Load weights from a .caffemodel (or .caffemodel.h5) by layer name, as Caffe's
        CopyTrainedLayersFrom does."""
        from .weights import copy_from
        copy_from(self, path)

    def save(self, path):
        """Write the net's weights as a .caffemodel (Caffe's layout: every layer's definition with
        its blobs)."""
        from .weights import save_caffemodel
        save_caffemodel(self, path)

    def save_hdf5(self, path):
        from .weights import save_hdf5
        save_hdf5(self, path)

    def load_hdf5(self, path):
        from .weights import copy_from_hdf5
        copy_from_hdf5(self, path)

    def share_with(self, other):
        """Share parameter blobs with `other` by layer name (what a solver does between its
        train and test nets)."""
        from .weights import share_trained_layers
        share_trained_layers(other, self)

    def set_input_arrays(self, data, labels):
        """Give the (first) MemoryData layer its arrays (N x C x H x W data, N labels)."""
        for layer in self.built.layers:
            if layer.type == "MemoryData":
                layer.reset(data, labels)
                return
        raise NetDefinitionError(f"set_input_arrays: net '{self.name}' has no MemoryData layer")

    def __repr__(self):
        return f"<caffe.Net '{self.name}' phase {pb.Phase.Name(self.phase)}: {len(self.built.layers)} layers>"


def _float32():
    from ..backend import dtypes
    return dtypes.float32
