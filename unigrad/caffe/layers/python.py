"""Python: a layer computed by a user class (pycaffe's interface: setup/reshape/forward/backward
over Blobs). It runs on the host between compiled parts of the net; see unigrad/caffe/python_layer.py."""
import importlib

from ..blob import Blob
from .base import Layer
from .registry import layer_type


@layer_type("Python")
class Python(Layer):
    host = True

    def setup(self, bottom_shapes):
        p = self.param.python_param
        if not p.module or not p.layer:
            raise self.fail("python_param needs module and layer (the module and the class implementing it)")
        try:
            module = importlib.import_module(p.module)
        except ImportError as exc:
            raise self.fail(f"cannot import the Python layer's module {p.module!r}: {exc}. Put it on sys.path (or "
                            "PYTHONPATH), as pycaffe requires") from None
        cls = getattr(module, p.layer, None)
        if cls is None:
            raise self.fail(f"module {p.module!r} has no class {p.layer!r}")
        self.impl = cls(self.param)
        self.impl.param_str, self.impl.phase = p.param_str, self.phase
        bottoms = [Blob(name, shape) for name, shape in zip(self.param.bottom, bottom_shapes)]
        self.shape_tops = [Blob(name, ()) for name in self.param.top]
        self.impl.setup(bottoms, self.shape_tops)
        self.impl.reshape(bottoms, self.shape_tops)
        return []

    def host_shapes(self):
        return [tuple(b.shape) for b in self.shape_tops]

    def host_forward(self, bottoms, tops):
        self.impl.reshape(bottoms, tops)
        self.impl.forward(bottoms, tops)

    def host_backward(self, tops, propagate_down, bottoms):
        self.impl.backward(tops, propagate_down, bottoms)
