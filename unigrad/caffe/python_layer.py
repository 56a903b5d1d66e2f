"""pycaffe's Python layer: a user class with `setup(bottom, top)`, `reshape(bottom, top)`,
`forward(bottom, top)` and `backward(top, propagate_down, bottom)` over Blobs (NumPy `data` and
`diff`), named in a prototxt by `python_param { module: "..." layer: "..." param_str: "..." }`.

The module is imported with Python's import system from sys.path: it is code the user chose to
run, as in Caffe (a prototxt naming a Python layer runs that module). A net with Python layers
runs its other layers as compiled graphs between them.

    from unigrad import caffe

    class Scale2(caffe.Layer):
        def setup(self, bottom, top): pass
        def reshape(self, bottom, top): top[0].reshape(*bottom[0].data.shape)
        def forward(self, bottom, top): top[0].data[...] = 2 * bottom[0].data
        def backward(self, top, propagate_down, bottom): bottom[0].diff[...] = 2 * top[0].diff
"""


class Layer:
    """Base class of Python layers (pycaffe's ``caffe.Layer``): `param_str`, `phase` and the
    LayerParameter `param` are set before `setup` is called."""

    def __init__(self, param=None):
        self.param = param
        self.param_str = param.python_param.param_str if param is not None else ""
        self.phase = param.phase if param is not None else 0
        self.blobs = []

    def setup(self, bottom, top):
        pass

    def reshape(self, bottom, top):
        pass

    def forward(self, bottom, top):
        raise NotImplementedError(f"{type(self).__name__} must define forward(bottom, top)")

    def backward(self, top, propagate_down, bottom):
        pass
