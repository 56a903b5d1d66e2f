"""HDF5Data: rows of HDF5 files named by a source list, one dataset per top (named like the top),
served in order across files and wrapping around; shuffle permutes the files and the rows
within each file. Top shape: [batch_size] + the dataset's trailing shape."""
import numpy as np

from ..data.hdf5_files import load_file, read_source_list
from .. import glog
from ..rng import rng
from .base import Source
from .registry import layer_type


@layer_type("HDF5Data")
class HDF5Data(Source):
    def setup(self, bottom_shapes):
        p = self.param.hdf5_data_param
        if self.param.HasField("transform_param"):
            raise self.fail("HDF5Data does not transform data (remove transform_param; scale the data when "
                            "writing the file)")
        if not p.batch_size:
            raise self.fail("hdf5_data_param needs batch_size > 0")
        glog.info(f"Loading list of HDF5 filenames from: {p.source}")
        self.files = read_source_list(p.source, self.name)
        glog.info(f"Number of HDF5 files: {len(self.files)}")
        self.tops_ = list(self.param.top)
        self.batch_size, self.shuffle = p.batch_size, p.shuffle
        self.order = list(range(len(self.files)))
        if self.shuffle:
            rng().shuffle(self.order)
        self.file_pos = 0
        self._load(self.order[0])
        self.shapes = [(self.batch_size,) + self.data[t].shape[1:] for t in self.tops_]
        return []

    def _load(self, index):
        self.data = load_file(self.files[index], self.tops_, self.name)
        n = len(next(iter(self.data.values())))
        self.rows = np.arange(n)
        if self.shuffle:
            rng().shuffle(self.rows)
        self.row = 0

    def top_shapes(self):
        return self.shapes

    def next_batch(self):
        out = {t: [] for t in self.tops_}
        for _ in range(self.batch_size):
            if self.row >= len(self.rows):
                self.file_pos += 1
                if self.file_pos == len(self.files):
                    self.file_pos = 0
                    if self.shuffle:
                        rng().shuffle(self.order)
                if len(self.files) > 1 or self.shuffle:
                    self._load(self.order[self.file_pos])
                else:
                    self.row = 0
            r = self.rows[self.row]
            for t in self.tops_:
                out[t].append(self.data[t][r])
            self.row += 1
        return [np.stack(out[t]).reshape(shape) for t, shape in zip(self.tops_, self.shapes)]
