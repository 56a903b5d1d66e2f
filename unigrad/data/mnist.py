"""MNIST from IDX files (raw or .gz), with a checksum-verified downloader."""
import gzip
import hashlib
import os
import shutil
import tempfile
import urllib.request

import numpy as np

from ..core.tensor import Tensor
from ..backend import dtypes as _dt
from ..backend.device import cpu
from ..errors import DataError
from .dataset import Dataset

FILES = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
MIRRORS = [
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
]
MEAN, STD = 0.1307, 0.3081


def default_root():
    return os.environ.get("UNIGRAD_DATA", os.path.join(os.path.expanduser("~"), ".cache", "unigrad", "mnist"))


def read_idx(path):
    """Parse an IDX file (optionally gzip-compressed) into a numpy array."""
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as exc:
        raise DataError(f"cannot read IDX file '{path}': {exc}") from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise DataError(f"'{path}' is not an unsigned-byte IDX file (bad magic number {raw[:4].hex()})")
    ndim = raw[3]
    header = 4 + 4 * ndim
    shape = tuple(int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    if len(raw) != header + int(np.prod(shape)):
        raise DataError(f"'{path}' is truncated: header says shape {shape}, file has {len(raw) - header} data bytes")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def _sha256_of(path):
    opener = gzip.open if path.endswith(".gz") else open
    h = hashlib.sha256()
    with opener(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _find(root, name):
    for candidate in (os.path.join(root, name), os.path.join(root, name + ".gz")):
        if os.path.exists(candidate):
            return candidate
    return None


def download(root=None, mirrors=MIRRORS):
    """Fetch the four MNIST files into `root`, verifying SHA-256 of the uncompressed data."""
    root = root or default_root()
    os.makedirs(root, exist_ok=True)
    for name, digest in FILES.items():
        if _find(root, name) and _sha256_of(_find(root, name)) == digest:
            continue
        errors = []
        for mirror in mirrors:
            url = f"{mirror}{name}.gz"
            fd, tmp = tempfile.mkstemp(dir=root, prefix=".download-", suffix=".gz")
            try:
                with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=60) as resp:
                    shutil.copyfileobj(resp, out)
                got = _sha256_of(tmp)
                if got != digest:
                    errors.append(f"{url}: checksum {got} != expected {digest}")
                    continue
                os.replace(tmp, os.path.join(root, name + ".gz"))
                break
            except OSError as exc:
                errors.append(f"{url}: {exc}")
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        else:
            raise DataError(f"could not download MNIST file '{name}' into '{root}':\n  " + "\n  ".join(errors) +
                            "\nCopy the four IDX files (raw or .gz) into that folder by hand, or pass root=.")
    return root


class MNIST(Dataset):
    """MNIST digits as (image, label): images float32 (1, 28, 28) normalised with MNIST's mean/std."""

    def __init__(self, root=None, train=True, download=False, normalize=True, verify=False):
        self.root = root or default_root()
        prefix = "train" if train else "t10k"
        names = (f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte")
        paths = [_find(self.root, n) for n in names]
        if None in paths and download:
            globals()["download"](self.root)
            paths = [_find(self.root, n) for n in names]
        if None in paths:
            missing = [n for n, p in zip(names, paths) if p is None]
            raise DataError(f"MNIST files {missing} not found in '{self.root}' (looked for the raw and .gz names). "
                            "Pass download=True, or root= a folder holding them.")
        if verify:
            for n, p in zip(names, paths):
                if _sha256_of(p) != FILES[n]:
                    raise DataError(f"'{p}' does not match MNIST's SHA-256; the file is corrupt or not MNIST")
        images, labels = read_idx(paths[0]), read_idx(paths[1])
        if images.shape[0] != labels.shape[0]:
            raise DataError(f"MNIST images ({images.shape[0]}) and labels ({labels.shape[0]}) differ in count")
        x = images.astype(np.float32)[:, None] / 255.0
        if normalize:
            x = (x - MEAN) / STD
        self.data = Tensor._make(np.ascontiguousarray(x, dtype=np.float32), cpu, _dt.float32)
        self.targets = Tensor._make(labels.astype(np.int64), cpu, _dt.int64)

    def __len__(self):
        return self.targets.shape[0]

    def __getitem__(self, index):
        return self.data[index], self.targets[index]

    def batch(self, indices):
        return (Tensor._make(self.data._data[indices], cpu, _dt.float32),
                Tensor._make(self.targets._data[indices], cpu, _dt.int64))
