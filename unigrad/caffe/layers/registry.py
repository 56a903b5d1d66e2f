"""Caffe layer types -> the classes that map them to ops. A layer file registers its class with
`@layer_type("Name")`; `create` builds runtime layers, and `unsupported` lists every type in a
net this front door cannot build, so one error can name them all."""
from ..errors import NetDefinitionError

LAYER_TYPES = {}


def layer_type(name):
    """Class decorator: the class implements Caffe's layer type `name`."""
    def register(cls):
        if name in LAYER_TYPES:
            raise NetDefinitionError(f"Caffe layer type {name!r} is registered twice")
        cls.type = name
        LAYER_TYPES[name] = cls
        return cls
    return register


def unsupported(layers):
    """(name, type) of every layer whose type has no mapper."""
    return [(layer.name, layer.type) for layer in layers if layer.type not in LAYER_TYPES]


def create(param, phase):
    """The runtime layer for one (filtered, upgraded) LayerParameter."""
    cls = LAYER_TYPES.get(param.type)
    if cls is None:
        raise NetDefinitionError(f"layer '{param.name}': unknown layer type {param.type!r}")
    layer = cls(param, phase)
    layer.check_counts()
    return layer
