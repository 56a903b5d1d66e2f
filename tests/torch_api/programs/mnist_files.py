"""MNIST as NumPy arrays from IDX files (the official names, .gz or not), for the programs here.

torchvision is not a dependency of this project, so the programs read the files themselves and
make tensors with torch.from_numpy; this module uses NumPy only, so it is the same for both runs
(real torch and unigrad). `--data DIR` points at the files; the tests pass the 6,000/1,000-image
subset shipped in unigrad/data/mnist_subset.
"""
import gzip
import os

import numpy as np

FILES = {True: ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
         False: ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}


def _read_idx(folder, name):
    for candidate in (name, name + ".gz"):
        path = os.path.join(folder, candidate)
        if os.path.exists(path):
            opener = gzip.open if candidate.endswith(".gz") else open
            with opener(path, "rb") as f:
                raw = f.read()
            ndim = raw[3]
            dims = np.frombuffer(raw, ">u4", count=ndim, offset=4).astype(int)
            return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(dims)
    raise FileNotFoundError(f"{name}(.gz) is not in {folder}: pass --data DIR, the folder holding MNIST's IDX files")


def load(folder, train=True, limit=None):
    """(images uint8 [N, 28, 28], labels int64 [N]): the first `limit` records of the set."""
    images, labels = (_read_idx(folder, name) for name in FILES[train])
    n = len(labels) if limit is None else min(limit, len(labels))
    return images[:n].copy(), labels[:n].astype(np.int64)
