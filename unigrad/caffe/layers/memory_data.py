"""MemoryData: batches cut from arrays given through the API (`net.set_input_arrays(data,
labels)`), wrapping around; tops data (batch_size x channels x height x width) and label."""
import numpy as np

from .base import Source
from .registry import layer_type


@layer_type("MemoryData")
class MemoryData(Source):
    tops = (2, 2)

    def setup(self, bottom_shapes):
        p = self.param.memory_data_param
        if not all((p.batch_size, p.channels, p.height, p.width)):
            raise self.fail("memory_data_param needs batch_size, channels, height and width")
        self.batch_size = p.batch_size
        self.item = (p.channels, p.height, p.width)
        self.data = self.labels = None
        self.pos = 0
        return []

    def top_shapes(self):
        return [(self.batch_size,) + self.item, (self.batch_size,)]

    def reset(self, data, labels):
        data, labels = np.asarray(data, np.float32), np.asarray(labels, np.float32).reshape(-1)
        if data.ndim != 4 or tuple(data.shape[1:]) != self.item:
            raise self.shape_error(f"set_input_arrays: data must be N x {' x '.join(map(str, self.item))}, got "
                                   f"{list(data.shape)}")
        if len(labels) != len(data):
            raise self.shape_error(f"set_input_arrays: {len(data)} items but {len(labels)} labels")
        if len(data) % self.batch_size:
            raise self.shape_error(f"set_input_arrays: the number of items {len(data)} must be a multiple of the "
                                   f"batch size {self.batch_size}")
        self.data, self.labels, self.pos = np.ascontiguousarray(data), labels, 0

    def next_batch(self):
        if self.data is None:
            raise self.fail("no data: call net.set_input_arrays(data, labels) before forward")
        i, n = self.pos, self.batch_size
        self.pos = (self.pos + n) % len(self.data)
        return [self.data[i:i + n], self.labels[i:i + n]]
