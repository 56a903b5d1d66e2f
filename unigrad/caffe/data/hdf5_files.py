"""HDF5 data as Caffe's HDF5Data/HDF5Output layers read and write it (h5py): a source list of
file paths, each file with one dataset per top named like the top."""
import numpy as np

from ..errors import CaffeFileError


def _h5py():
    try:
        import h5py
    except ImportError:
        raise CaffeFileError("HDF5 data needs the h5py package: pip install h5py") from None
    return h5py


def read_source_list(path, layer):
    """The HDF5 file paths of a source list (whitespace separated)."""
    try:
        with open(path) as f:
            files = f.read().split()
    except FileNotFoundError:
        raise CaffeFileError(f"layer '{layer}': HDF5 source list '{path}' does not exist") from None
    if not files:
        raise CaffeFileError(f"layer '{layer}': HDF5 source list '{path}' names no files")
    return files


def load_file(path, tops, layer):
    """{top: float32 array} from one HDF5 file; every top's dataset shares the first dimension."""
    h5py = _h5py()
    try:
        f = h5py.File(path, "r")
    except (OSError, FileNotFoundError) as exc:
        raise CaffeFileError(f"layer '{layer}': cannot open HDF5 file '{path}': {exc}") from None
    with f:
        out = {}
        for top in tops:
            if top not in f:
                raise CaffeFileError(f"layer '{layer}': HDF5 file '{path}' has no dataset '{top}' (it has "
                                     f"{sorted(f.keys())}); each top reads the dataset of its name")
            data = np.asarray(f[top])
            if data.ndim < 1 or not (np.issubdtype(data.dtype, np.number) or data.dtype == bool):
                raise CaffeFileError(f"layer '{layer}': dataset '{top}' in '{path}' must be a numeric array with at "
                                     f"least one axis, got {data.dtype} {list(data.shape)}")
            out[top] = data.astype(np.float32)
    rows = {len(a) for a in out.values()}
    if len(rows) != 1:
        raise CaffeFileError(f"layer '{layer}': the datasets of '{path}' have different numbers of rows "
                             f"{ {t: len(a) for t, a in out.items()} }")
    return out


class Appender:
    """Appends rows to resizable 'data' and 'label' datasets of one HDF5 file (HDF5Output)."""

    def __init__(self, path):
        self.path, self.file = path, None

    def write(self, arrays):
        h5py = _h5py()
        if self.file is None:
            self.file = h5py.File(self.path, "w")
        for name, array in arrays.items():
            array = np.asarray(array, np.float32)
            if name not in self.file:
                self.file.create_dataset(name, data=array, maxshape=(None,) + array.shape[1:], chunks=True)
            else:
                ds = self.file[name]
                ds.resize(ds.shape[0] + array.shape[0], axis=0)
                ds[-array.shape[0]:] = array
        self.file.flush()

    def close(self):
        if self.file is not None:
            self.file.close()
            self.file = None
