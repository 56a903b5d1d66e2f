"""MNIST from IDX files (raw or .gz): where to find it, a checksum-verified downloader, and the
small subset shipped with unigrad so a first run works with no network.

Where MNIST is looked for, in order: the folder a program is given (`root=`, an example's
`--data DIR`), `$UNIGRAD_DATA`, the user cache `~/.cache/unigrad/mnist`; a folder may hold the
four files itself or in a `mnist/` folder inside it. `locate()` (what the examples and TF1's
`input_data` use) then tries a download into the cache and, if that fails, falls back to the
shipped subset (`SUBSET_DIR`: the first 6,000 training and 1,000 test images of the official
files), and says which data it picked.
"""
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
from ..errors import DataError, InvalidArgumentError
from .dataset import Dataset

ENV = "UNIGRAD_DATA"
FILES = {  # SHA-256 of the uncompressed official files
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
SUBSET_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mnist_subset")
SUBSET_FILES = {  # the first 6,000 training and 1,000 test records of the files above (README.md there)
    "train-images-idx3-ubyte": "2782ff6f3467f3487a520503c34fe99b761aa97623af029969e59716ac3585c3",
    "train-labels-idx1-ubyte": "0d830540a6191e75a9f5cd63cd5b4bde38960b893784bbf456d560179296d7cd",
    "t10k-images-idx3-ubyte": "de7c252b04f05e1f8309634180ccdf286dc6dbac8c579b74e76e02ae0331ca52",
    "t10k-labels-idx1-ubyte": "832c0d20f0dc42e575488c75a83a970787d4c8d4d05831b2ef03701b4a478a90",
}
MIRRORS = [
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
]
MEAN, STD = 0.1307, 0.3081
_SPLIT_PREFIX = {True: "train", False: "t10k"}


def default_root():
    """Where MNIST is downloaded to: `$UNIGRAD_DATA` when set, else `~/.cache/unigrad/mnist`."""
    return os.environ.get(ENV) or os.path.join(os.path.expanduser("~"), ".cache", "unigrad", "mnist")


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


def mnist_dir(folder, names=tuple(FILES)):
    """`folder` if it holds the files `names` (raw or .gz), else its `mnist/` folder if that
    does, else None."""
    if not folder:
        return None
    for candidate in (folder, os.path.join(folder, "mnist")):
        if all(_find(candidate, n) for n in names):
            return candidate
    return None


def _split_names(train):
    prefix = _SPLIT_PREFIX[bool(train)]
    return (f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte")


def _installed(names=tuple(FILES)):
    """The first of $UNIGRAD_DATA and the user cache that holds `names`, or None."""
    for folder in (os.environ.get(ENV), os.path.join(os.path.expanduser("~"), ".cache", "unigrad", "mnist")):
        found = mnist_dir(folder, names)
        if found:
            return found
    return None


def download(root=None, mirrors=None, files=FILES, timeout=20):
    """Fetch the MNIST files into `root` (default: `default_root()`) from `mirrors` (default:
    `MIRRORS`), verifying the SHA-256 of the uncompressed data against `files`; each file is
    written to a temporary name first and renamed only once verified. Returns `root`."""
    root = root or default_root()
    mirrors = MIRRORS if mirrors is None else mirrors
    os.makedirs(root, exist_ok=True)
    for name, digest in files.items():
        if _find(root, name) and _sha256_of(_find(root, name)) == digest:
            continue
        errors = []
        for mirror in mirrors:
            url = f"{mirror}{name}.gz"
            fd, tmp = tempfile.mkstemp(dir=root, prefix=".download-", suffix=".gz")
            try:
                with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as resp:
                    shutil.copyfileobj(resp, out)
                got = _sha256_of(tmp)
                if got != digest:
                    errors.append(f"{url}: checksum {got} != expected {digest}")
                    continue
                os.replace(tmp, os.path.join(root, name + ".gz"))
                break
            except (OSError, EOFError) as exc:
                errors.append(f"{url}: {exc}")
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        else:
            raise DataError(f"could not download MNIST file '{name}' into '{root}':\n  " + "\n  ".join(errors) +
                            f"\nCopy the four MNIST files (raw or .gz) into '{root}' by hand, or set ${ENV} to a "
                            "folder that holds them (the README says where they can be had). "
                            "ug.data.MNIST(subset=True) reads the small subset shipped with unigrad instead.")
    return root


_download = download  # MNIST() and locate() take a `download` flag that hides the function


def describe(root, train=True):
    """One line saying which MNIST data `root` holds, for a program's output."""
    split = "training" if train else "test"
    if os.path.abspath(root) == SUBSET_DIR:
        return (f"the MNIST subset shipped with unigrad ({'6,000' if train else '1,000'} {split} images, the first "
                f"of MNIST's {'60,000' if train else '10,000'}) in {root}")
    return f"MNIST {split} images from {root}"


def locate(data=None, download=True):
    """(folder, note): the MNIST files a program should read, and a line saying which they are.

    `data` (an example's `--data DIR`: a folder with the four files, or with a `mnist/` folder
    holding them) must hold MNIST, or get it by download. Without it: `$UNIGRAD_DATA`, the
    user cache, a download into `default_root()`, and, when that fails (no network), the subset
    shipped with unigrad, with the reason in the note."""
    if data:
        found = mnist_dir(data)
        if found is None and download:
            _download(data)  # raises, naming the folder, when that fails
            found = data
        if found is None:
            raise DataError(f"no MNIST files in '{data}' (looked for {sorted(FILES)}, raw or .gz, there and in its "
                            "mnist/ folder)")
        return found, _summary(found)
    found = _installed()
    if found:
        return found, _summary(found)
    reason = f"no MNIST in ${ENV} or ~/.cache/unigrad/mnist"
    if download:
        try:
            found = _download(default_root())
            return found, _summary(found)
        except DataError as exc:
            reason = f"{reason}, and the download failed: {str(exc).splitlines()[1].strip()}"
    return SUBSET_DIR, (f"{_summary(SUBSET_DIR)} ({reason}). For the full set, set ${ENV} to a folder holding the "
                        "four MNIST files, or pass --data DIR")


def _summary(folder):
    if os.path.abspath(folder) == SUBSET_DIR:
        return f"the MNIST subset shipped with unigrad, in {folder}"
    return f"MNIST from {folder}"


class MNIST(Dataset):
    """MNIST digits as (image, label): images float32 (1, 28, 28) normalised with MNIST's
    mean/std, labels int64.

    `root`: a folder holding the IDX files (raw or .gz; or holding a `mnist/` folder with them);
    by default `$UNIGRAD_DATA`, else `~/.cache/unigrad/mnist`. `download=True` fetches missing
    files there (checksum-verified); `subset=True` reads the 6,000/1,000-image subset shipped
    with unigrad (no network needed); `verify=True` checks the files' SHA-256. `source` says
    which data was read.

    Example::

        >>> test = ug.data.MNIST(subset=True, train=False)
        >>> len(test), tuple(test[0][0].shape), int(test[0][1])
        (1000, (1, 28, 28), 7)
    """

    def __init__(self, root=None, train=True, download=False, normalize=True, verify=False, subset=False):
        names = _split_names(train)
        if subset:
            if root is not None:
                raise InvalidArgumentError("ug.data.MNIST: pass root= or subset=True, not both")
            root = SUBSET_DIR
        folder = mnist_dir(root, names) if root is not None else _installed(names)
        if folder is None and download:
            folder = _download(root or default_root())
        if folder is None:
            where = f"'{root}'" if root is not None else f"${ENV} or ~/.cache/unigrad/mnist"
            raise DataError(f"MNIST files {list(names)} not found in {where} (looked for the raw and .gz names, "
                            f"also in a mnist/ folder inside). Pass download=True to fetch them, set ${ENV} to a "
                            "folder that holds them, or use ug.data.MNIST(subset=True) for the small subset shipped "
                            "with unigrad.")
        paths = [_find(folder, n) for n in names]
        if verify:
            table = SUBSET_FILES if os.path.abspath(folder) == SUBSET_DIR else FILES
            for n, p in zip(names, paths):
                if _sha256_of(p) != table[n]:
                    raise DataError(f"'{p}' does not match MNIST's SHA-256; the file is corrupt or not MNIST")
        images, labels = read_idx(paths[0]), read_idx(paths[1])
        if images.shape[0] != labels.shape[0]:
            raise DataError(f"MNIST images ({images.shape[0]}) and labels ({labels.shape[0]}) differ in count")
        self.root, self.source = folder, describe(folder, train)
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
