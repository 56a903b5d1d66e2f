"""HDF5Output: writes its two bottoms to `hdf5_output_param.file_name` as datasets 'data' and
'label' (rows appended at every forward pass); no tops, no gradient."""
from ..data.hdf5_files import Appender
from .base import Layer
from .registry import layer_type


@layer_type("HDF5Output")
class HDF5Output(Layer):
    bottoms = (2, 2)
    tops = (0, 0)
    sink = True
    no_backward_to = (0, 1)

    def setup(self, bottom_shapes):
        if not self.param.hdf5_output_param.file_name:
            raise self.fail("hdf5_output_param needs a file_name")
        if bottom_shapes[0][0] != bottom_shapes[1][0]:
            raise self.shape_error(f"data {list(bottom_shapes[0])} and label {list(bottom_shapes[1])} need the same "
                                   "number of rows")
        self.appender = Appender(self.param.hdf5_output_param.file_name)
        return []

    def forward(self, bottoms, params, ctx):
        return []  # the net hands this layer its bottoms' values after each pass (write)

    def write(self, data, label):
        self.appender.write({"data": data, "label": label})
