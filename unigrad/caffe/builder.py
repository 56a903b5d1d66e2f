"""Building a runtime net from a definition, as Caffe's Net::Init does: filter by NetState,
insert splits, create each layer, wire its blobs (in place when a top repeats its bottom),
create or share its parameter blobs, shape every blob (each layer's forward on the meta
device), set loss weights and decide which blobs and parameters need gradients."""
import numpy as np

from ..core.tensor import Tensor
from ..errors import UnigradError
from . import glog, layers as layer_types
from .errors import CaffeError, NetDefinitionError
from .fillers import fill
from .layers.base import Context
from .proto import caffe_pb2 as pb
from .splits import insert_splits
from .state import filter_net, layer_included


class Learnable:
    """A parameter blob the solver updates (the owner of a shared blob): its tensor, multipliers
    and where it lives."""

    def __init__(self, tensor, lr_mult, decay_mult, has_lr, has_decay, layer, index, name):
        self.tensor, self.lr_mult, self.decay_mult = tensor, lr_mult, decay_mult
        self.has_lr, self.has_decay = has_lr, has_decay
        self.layer, self.index, self.name = layer, index, name


class ParamRef:
    """A layer's parameter blob: the (owner's) tensor, the shape this layer sees it in, and
    whether this layer computes its gradient."""

    def __init__(self, learnable, shape, need_grad):
        self.learnable, self.shape, self.need_grad = learnable, tuple(shape), need_grad

    @property
    def tensor(self):
        return self.learnable.tensor


class BuiltNet:
    """What Net::Init produces: layers in order with their blob names, parameter blobs, shapes,
    loss weights, inputs, outputs and backward needs."""

    def __init__(self, name, param):
        self.name, self.param = name, param
        self.layers, self.blob_names, self.blob_shapes = [], [], {}
        self.inputs, self.outputs, self.learnables = [], [], []
        self.force_backward = param.force_backward


def _unsupported_error(net, filtered, source):
    missing = layer_types.unsupported(filtered.layer)
    if not missing:
        return
    kept = {layer.name for layer in filtered.layer}
    everyone = [(layer.name, layer.type) for layer in net.layer if layer.type not in layer_types.LAYER_TYPES]
    lines = [f"  layer '{n}': type '{t}'" + ("" if n in kept else " (not in this phase)") for n, t in everyone]
    known = ", ".join(sorted(layer_types.LAYER_TYPES))
    raise NetDefinitionError(f"{source}: {len(everyone)} layer(s) of types unigrad's Caffe front door cannot build:\n"
                             + "\n".join(lines) + f"\nSupported types: {known}. Replace these layers or remove them "
                             "(a Python layer can implement a missing type).")


def _loss_weights(layer, n_tops):
    p = layer.param
    if layer.loss and not len(p.loss_weight):
        if n_tops > 1:
            raise layer.fail("a loss layer with several tops needs an explicit loss_weight per top")
        p.loss_weight.append(1.0)  # as Caffe writes it into the runtime definition (and snapshots)
    if len(p.loss_weight) not in (0, n_tops):
        raise layer.fail(f"loss_weight must be unspecified or given once per top blob ({n_tops}), "
                         f"got {len(p.loss_weight)}")
    return list(p.loss_weight) or [0.0] * n_tops


def _shape_str(shape):
    return " ".join(str(d) for d in shape) + f" ({int(np.prod(shape)) if shape else 1})"


def build(net_param, state, device, source="<net>"):
    """A BuiltNet for (upgraded) `net_param` in NetState `state`, its parameters on `device`."""
    filtered = filter_net(net_param, state)
    _unsupported_error(net_param, filtered, source)
    param = insert_splits(filtered, source)
    net = BuiltNet(net_param.name, param)
    glog.info(f"Initializing net from parameters: {source}")
    available, blob_index = [], {}
    blob_need_grad = {}
    owners = {}  # shared param name -> Learnable
    memory = 0
    for layer_param in param.layer:
        if not layer_param.HasField("phase"):
            layer_param.phase = state.phase
        layer = layer_types.create(layer_param, state.phase)
        glog.info(f"Creating Layer {layer.name}")
        layer.bottom_names = list(layer_param.bottom)
        for j, blob in enumerate(layer.bottom_names):
            if blob not in blob_index:
                raise NetDefinitionError(f"{source}: unknown bottom blob '{blob}' (layer '{layer.name}', bottom index "
                                         f"{j})")
            if blob in available:
                available.remove(blob)
            glog.info(f"{layer.name} <- {blob}")
        bottom_shapes = [net.blob_shapes[b] for b in layer.bottom_names]
        if len(layer_param.propagate_down) not in (0, len(layer.bottom_names)):
            raise layer.fail("propagate_down must be given either 0 times or once per bottom")
        layer.bottom_need_grad = [bool(layer_param.propagate_down[j]) if len(layer_param.propagate_down)
                                  else blob_need_grad[b] for j, b in enumerate(layer.bottom_names)]
        try:
            specs = layer.setup(bottom_shapes)
        except CaffeError:
            raise
        except UnigradError as exc:
            raise layer.shape_error(f"bottoms {[list(s) for s in bottom_shapes]}: {exc}") from None
        if len(layer_param.param) > len(specs):
            raise layer.fail(f"too many param specs: {len(layer_param.param)} for {len(specs)} parameter blobs")
        layer.params = [_param(net, layer, k, spec, owners, device) for k, spec in enumerate(specs)]
        top_shapes = _top_shapes(layer, bottom_shapes, device)
        layer.top_names = list(layer_param.top)
        layer.loss_weights = _loss_weights(layer, len(layer.top_names))
        need = any(blob_need_grad[b] for b in layer.bottom_names) or any(r.need_grad for r in layer.params)
        layer.need_backward = need
        for j, (blob, shape) in enumerate(zip(layer.top_names, top_shapes)):
            in_place = j < len(layer.bottom_names) and layer.bottom_names[j] == blob
            if blob in blob_index and not in_place:
                raise NetDefinitionError(f"{source}: top blob '{blob}' of layer '{layer.name}' is produced by "
                                         "multiple sources; only an in-place top (same name as the bottom at the "
                                         "same index) may reuse a name")
            if not in_place:
                blob_index[blob] = len(net.blob_names)
                net.blob_names.append(blob)
                glog.info(f"{layer.name} -> {blob}")
            else:
                glog.info(f"{layer.name} -> {blob} (in-place)")
            net.blob_shapes[blob] = tuple(shape)
            blob_need_grad[blob] = need
            available.append(blob)
            if getattr(layer, "fed", False):
                net.inputs.append(blob)
        glog.info(f"Setting up {layer.name}")
        for j, blob in enumerate(layer.top_names):
            glog.info(f"Top shape: {_shape_str(net.blob_shapes[blob])}")
            if layer.loss_weights[j]:
                glog.info(f"    with loss weight {glog.num(layer.loss_weights[j])}")
            memory += 4 * int(np.prod(net.blob_shapes[blob]))
        glog.info(f"Memory required for data: {memory}")
        net.layers.append(layer)
    _backward_needs(net, param.force_backward)
    net.outputs = sorted(set(available))
    for blob in net.outputs:
        glog.info(f"This network produces output {blob}")
    glog.info("Network initialization done.")
    return net


def _param(net, layer, k, spec, owners, device):
    """Create (or share) parameter blob k of `layer`."""
    p = layer.param.param[k] if k < len(layer.param.param) else pb.ParamSpec()
    name = p.name
    if name and name in owners:
        owner = owners[name]
        owner_shape = tuple(owner.tensor.shape)
        display = f"Sharing parameters '{name}' owned by layer '{owner.layer}', param index {owner.index}"
        glog.info(display)
        if p.share_mode == pb.ParamSpec.PERMISSIVE:
            if int(np.prod(owner_shape)) != int(np.prod(spec.shape)):
                raise layer.fail(f"cannot share param '{name}' owned by layer '{owner.layer}': count mismatch "
                                 f"(owner shape {list(owner_shape)}, this layer's {list(spec.shape)})")
        elif owner_shape != spec.shape:
            raise layer.fail(f"cannot share param '{name}' owned by layer '{owner.layer}': shape mismatch (owner shape "
                             f"{list(owner_shape)}, this layer's {list(spec.shape)}); use share_mode: PERMISSIVE "
                             "to share by count")
        for field, has in (("lr_mult", "has_lr"), ("decay_mult", "has_decay")):
            if p.HasField(field):
                if getattr(owner, has) and getattr(owner, field) != getattr(p, field):
                    raise layer.fail(f"shared param '{name}' has mismatched {field}")
                if not getattr(owner, has):
                    setattr(owner, field, getattr(p, field))
                    setattr(owner, has, True)
        learnable = owner
    else:
        data = spec.filler(spec.shape) if callable(spec.filler) else \
            fill(spec.filler, spec.shape, f"layer '{layer.name}' param {k}")
        tensor = Tensor._make(device.xp.asarray(data), device, _float32())
        learnable = Learnable(tensor, p.lr_mult, p.decay_mult, p.HasField("lr_mult"), p.HasField("decay_mult"),
                              layer.name, k, name or str(k))
        net.learnables.append(learnable)
        if name:
            owners[name] = learnable
    return ParamRef(learnable, spec.shape, p.lr_mult != 0)


def _float32():
    from ..backend import dtypes
    return dtypes.float32


def _top_shapes(layer, bottom_shapes, device):
    """The tops' shapes: the layer's own rule for sources, its forward on the meta device otherwise."""
    if getattr(layer, "host", False):
        return layer.host_shapes()
    if layer.source:
        shapes = layer.top_shapes()
        if len(shapes) != len(layer.param.top):
            raise layer.fail(f"produces {len(shapes)} tops but names {len(layer.param.top)}")
        return shapes
    from ..ops import api as F
    meta = "meta"
    bottoms = [F.empty(*s, device=meta) if s else F.empty((), device=meta) for s in bottom_shapes]
    params = [F.empty(*r.shape, device=meta) if r.shape else F.empty((), device=meta) for r in layer.params]
    try:
        tops = layer.forward(bottoms, params, Context(layer.phase, update_stats=False))
    except CaffeError:
        raise
    except UnigradError as exc:
        raise layer.shape_error(f"bottoms {[list(s) for s in bottom_shapes]}: {exc}") from None
    if len(tops) != len(layer.param.top):
        raise layer.fail(f"computes {len(tops)} tops but names {len(layer.param.top)}")
    return [tuple(t.shape) for t in tops]


def _backward_needs(net, force_backward):
    """Caffe's pruning: a layer computes gradients only if it leads to a loss and something below
    it wants them; force_backward turns every layer (and parameter) on."""
    under_loss, skip = set(), set()
    for layer in reversed(net.layers):
        contributes, skip_all = False, True
        for j, blob in enumerate(layer.top_names):
            if layer.loss_weights[j] or blob in under_loss:
                contributes = True
            if blob not in skip:
                skip_all = False
        if layer.need_backward and skip_all:
            layer.need_backward = False
            layer.bottom_need_grad = [False] * len(layer.bottom_names)
        if not contributes:
            layer.need_backward = False
        glog.info(f"{layer.name} {'needs' if layer.need_backward else 'does not need'} backward computation.")
        for j, blob in enumerate(layer.bottom_names):
            if contributes:
                under_loss.add(blob)
            else:
                layer.bottom_need_grad[j] = False
            if not layer.bottom_need_grad[j]:
                skip.add(blob)
    if force_backward:
        for layer in net.layers:
            layer.need_backward = True
            layer.bottom_need_grad = [need or layer.allow_force_backward(j)
                                      for j, need in enumerate(layer.bottom_need_grad)]
            for ref in layer.params:
                ref.need_grad = True
    for layer in net.layers:
        if not layer.need_backward:
            layer.bottom_need_grad = [False] * len(layer.bottom_names)
        layer.param_need_grad = [layer.need_backward and ref.need_grad for ref in layer.params]
        for j in layer.no_backward_to:
            if j < len(layer.bottom_need_grad):
                layer.bottom_need_grad[j] = False
