"""pycaffe's Blob: a named pair of arrays, `data` and `diff`, as NumPy arrays the user may read
and write. A blob holds the device Tensor the last pass produced and turns it into a host array
only when read."""
import numpy as np


def _host(tensor):
    """A C-contiguous float32 NumPy array of a Tensor's values (a copy only when needed)."""
    data = tensor._data
    if tensor.device.type != "cpu":
        data = data.get() if hasattr(data, "get") else np.asarray(data)
    return np.require(data, np.float32, "C")  # (np.ascontiguousarray would make a 0-d array 1-d)


class Blob:
    """An activation blob of a Net: ``data`` (the last forward's values) and ``diff`` (the last
    backward's gradient), both C-contiguous float32 NumPy arrays.

    Example::

        >>> import numpy as np
        >>> from unigrad.caffe.blob import Blob
        >>> b = Blob("data", (2, 3, 4, 4))
        >>> b.count, b.num, b.channels, b.height, b.width
        (96, 2, 3, 4, 4)
        >>> b.reshape(1, 3, 8, 8); b.data.shape
        (1, 3, 8, 8)
    """

    def __init__(self, name, shape):
        self.name = name
        self._data = np.zeros(shape, np.float32)
        self._diff = np.zeros(shape, np.float32)
        self._data_tensor = self._diff_tensor = None

    # values produced on the device become host arrays when read
    @property
    def data(self):
        if self._data_tensor is not None:
            self._data, self._data_tensor = _host(self._data_tensor), None
        return self._data

    @data.setter
    def data(self, value):
        self._data[...] = value

    @property
    def diff(self):
        if self._diff_tensor is not None:
            self._diff, self._diff_tensor = _host(self._diff_tensor), None
        return self._diff

    @diff.setter
    def diff(self, value):
        self._diff[...] = value

    def set_data(self, tensor):
        self._data_tensor = tensor

    def set_diff(self, tensor):
        self._diff_tensor = tensor

    def clear_diff(self):
        self._diff_tensor = None
        self._diff = np.zeros(self.shape, np.float32)

    @property
    def shape(self):
        return tuple(self._data_tensor.shape) if self._data_tensor is not None else self._data.shape

    @property
    def count(self):
        return int(np.prod(self.shape)) if self.shape else 1

    def _axis(self, i):
        shape = self.shape
        return shape[i] if len(shape) > i else 1

    num = property(lambda self: self._axis(0))
    channels = property(lambda self: self._axis(1))
    height = property(lambda self: self._axis(2))
    width = property(lambda self: self._axis(3))

    def reshape(self, *shape):
        """Give the blob a new shape (zeros); call ``net.reshape()`` to propagate it."""
        if len(shape) == 1 and not isinstance(shape[0], int):
            shape = tuple(shape[0])
        self._data_tensor = self._diff_tensor = None
        self._data = np.zeros(shape, np.float32)
        self._diff = np.zeros(shape, np.float32)

    def __repr__(self):
        return f"<Blob '{self.name}' {list(self.shape)}>"


class ParamBlob:
    """A parameter blob seen through pycaffe's Blob interface: ``data`` is the parameter's own
    memory on the CPU (writes change the weights), a host copy written back before the next pass
    on a GPU; ``diff`` is its last gradient."""

    def __init__(self, ref, net):
        self._ref, self._net = ref, net
        self._diff = np.zeros(ref.shape, np.float32)
        self._diff_tensor = None
        self._host = None

    @property
    def tensor(self):
        return self._ref.tensor

    @property
    def data(self):
        t = self._ref.tensor
        if t.device.type == "cpu":
            data = t._data
            return data if data.shape == self._ref.shape else data.reshape(self._ref.shape)
        if self._host is None:
            self._host = _host(t).reshape(self._ref.shape)
            self._net._touched.append(self)
        return self._host

    @data.setter
    def data(self, value):
        self.data[...] = value

    def sync(self):
        """Copy a host copy (GPU case) back into the parameter."""
        if self._host is not None:
            t = self._ref.tensor
            t._data[...] = t.device.xp.asarray(self._host.reshape(t.shape))
            self._host = None

    @property
    def diff(self):
        if self._diff_tensor is not None:
            self._diff, self._diff_tensor = _host(self._diff_tensor).reshape(self._ref.shape), None
        return self._diff

    @diff.setter
    def diff(self, value):
        self.diff[...] = value

    def set_diff(self, tensor):
        self._diff_tensor = tensor

    shape = property(lambda self: self._ref.shape)
    count = property(lambda self: int(np.prod(self._ref.shape)) if self._ref.shape else 1)
    num = property(lambda self: self._ref.shape[0] if len(self._ref.shape) > 0 else 1)
    channels = property(lambda self: self._ref.shape[1] if len(self._ref.shape) > 1 else 1)
    height = property(lambda self: self._ref.shape[2] if len(self._ref.shape) > 2 else 1)
    width = property(lambda self: self._ref.shape[3] if len(self._ref.shape) > 3 else 1)

    def reshape(self, *shape):
        from ..errors import InvalidArgumentError
        raise InvalidArgumentError("parameter blobs keep the shape their layer gave them; reshape the net's input "
                                   "blobs instead")

    def __repr__(self):
        return f"<ParamBlob {self._ref.learnable.layer}[{self._ref.learnable.index}] {list(self.shape)}>"
