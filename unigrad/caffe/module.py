"""`to_module`: a Caffe net as a unigrad `nn.Module`, to train from Python like any model, compile
with ug.jit, or save as safetensors.

    model = unigrad.caffe.to_module("deploy.prototxt", "weights.caffemodel")
    probs = model(images)                      # the net's Input blobs, in order
    ug.save(model.state_dict(), "model.safetensors")

Each Caffe layer with parameters is a child module named after the layer ('.' becomes '_'),
holding its blobs under Caffe's roles (weight, bias; BatchNorm's mean, variance, scale_factor).
Blobs with lr_mult 0 (BatchNorm statistics, fixed deconvolutions) are buffers, not parameters.
`train()`/`eval()` switch Dropout and BatchNorm between Caffe's TRAIN and TEST behaviour.
"""
from ..core.grad_mode import no_grad
from ..nn.modules.module import Module
from ..nn.parameter import Parameter
from .errors import NetDefinitionError
from .layers.base import Context
from .net import TEST, TRAIN, Net


class CaffeLayer(Module):
    """The parameter blobs of one Caffe layer."""

    def __init__(self, layer):
        super().__init__()
        self.caffe_type = layer.type

    def extra_repr(self):
        return self.caffe_type


class CaffeModule(Module):
    """A Caffe net run eagerly (autograd) as a Module; see `to_module`."""

    def __init__(self, net):
        super().__init__()
        object.__setattr__(self, "net", net)
        self.input_names = list(net.inputs)
        self.output_names = list(net.outputs)
        seen = {}
        for layer in net.built.layers:
            if not layer.params:
                continue
            child = CaffeLayer(layer)
            for name, ref in zip(layer.param_names(), layer.params):
                learnable = ref.learnable
                if id(learnable) in seen:  # a shared blob: registered once, under its owner
                    continue
                if learnable.lr_mult != 0:
                    tensor = learnable.tensor if isinstance(learnable.tensor, Parameter) else \
                        Parameter(learnable.tensor)
                    setattr(child, name, tensor)
                else:
                    tensor = learnable.tensor
                    child.register_buffer(name, tensor)
                learnable.tensor = tensor
                seen[id(learnable)] = learnable
            self.add_module(layer.name.replace(".", "_"), child)
        net._compiled_state_changed()

    def forward(self, *inputs, **blobs):
        """The net's outputs from its Input blobs (positional, in `input_names` order) or any source
        blobs by name; data layers not given read their next batch. One output: a Tensor; several:
        a dict by output name."""
        net = self.net
        if len(inputs) > len(self.input_names):
            raise NetDefinitionError(f"{len(inputs)} inputs given; net '{net.name}' has {len(self.input_names)} "
                                     f"({self.input_names})")
        feeds = dict(zip(self.input_names, inputs))
        feeds.update(blobs)
        last = len(net.built.layers) - 1
        if net.needs_host:
            raise NetDefinitionError(f"net '{net.name}' has Python, Filter or HDF5Output layers, which run on the "
                                     "host; use caffe.Net for it")
        plan = net._plan(0, last)
        missing = [b for b in plan.externals if b not in feeds]
        if missing:
            with no_grad():
                for layer in plan.sources:
                    if any(t in missing for t in layer.top_names):
                        batch = layer.next_batch()
                        if batch is None:
                            raise NetDefinitionError(f"no value for input blob(s) {missing} of net '{net.name}'")
                        for name, array in zip(layer.top_names, batch):
                            feeds.setdefault(name, net._tensor(array))
        for name, value in list(feeds.items()):
            if not hasattr(value, "_data"):
                feeds[name] = net._tensor(value)
        phase = TRAIN if self.training else TEST
        values, _ = net.evaluate(plan, feeds, Context(phase, update_stats=self.training), prune=False)
        outs = [values[name] for name in self.output_names]
        return outs[0] if len(outs) == 1 else dict(zip(self.output_names, outs))

    def extra_repr(self):
        return f"'{self.net.name}': inputs {self.input_names}, outputs {self.output_names}"


def to_module(prototxt, weights=None, phase=TEST, level=0, stages=()):
    """The net defined in `prototxt` (with `weights` loaded) as a unigrad Module.

    Example::

        >>> from unigrad import caffe
        >>> m = caffe.to_module('''layer { name: "x" type: "Input" top: "x" input_param { shape { dim: 1 dim: 2 } } }
        ... layer { name: "fc" type: "InnerProduct" bottom: "x" top: "y" inner_product_param { num_output: 3 } }''')
        >>> [name for name, _ in m.named_parameters()]
        ['fc.weight', 'fc.bias']
        >>> tuple(m(ug.ones(1, 2)).shape)
        (1, 3)
    """
    net = Net(prototxt, phase=phase, weights=weights, level=level, stages=stages)
    module = CaffeModule(net)
    if phase == TEST:
        module.eval()
    return module
