"""input_data.read_data_sets, as TF1's MNIST tutorials use it: train / validation / test DataSets
of flattened images in [0, 1] and labels (or one-hot labels), with next_batch().

Where the data comes from: `train_dir` if it holds the four MNIST files, else $UNIGRAD_DATA or
~/.cache/unigrad/mnist, else a download into `train_dir`, and when that fails (no network) the
6,000/1,000-image subset shipped with unigrad; which one is printed. With the subset the
validation set is 500 images (validation_size scaled by 6,000/60,000), leaving 5,500 to train on.
"""
import collections
import os

import numpy as np

from ......data import mnist as _mnist
from ......errors import DataError, InvalidArgumentError

Datasets = collections.namedtuple("Datasets", ["train", "validation", "test"])


def dense_to_one_hot(labels_dense, num_classes):
    """Class indices as one-hot rows (float64, as TF's helper makes them)."""
    one_hot = np.zeros((labels_dense.shape[0], num_classes))
    one_hot[np.arange(labels_dense.shape[0]), labels_dense.ravel()] = 1
    return one_hot


class DataSet:
    """Images and labels with next_batch(), shuffled at each epoch as TF1's DataSet is."""

    def __init__(self, images, labels, fake_data=False, one_hot=False, dtype=np.float32, reshape=True, seed=None):
        self._rng = np.random.default_rng(seed)
        self.fake_data, self.one_hot = fake_data, one_hot
        if fake_data:
            self._num_examples = 10000
        else:
            if images.shape[0] != labels.shape[0]:
                raise InvalidArgumentError(f"DataSet: {images.shape[0]} images but {labels.shape[0]} labels")
            self._num_examples = images.shape[0]
            if reshape:
                images = images.reshape(images.shape[0], images.shape[1] * images.shape[2])
            if np.dtype(dtype) == np.float32:
                images = images.astype(np.float32) * (1.0 / 255.0)
        self._images, self._labels = images, labels
        self._epochs_completed = self._index_in_epoch = 0

    images = property(lambda self: self._images)
    labels = property(lambda self: self._labels)
    num_examples = property(lambda self: self._num_examples)
    epochs_completed = property(lambda self: self._epochs_completed)

    def next_batch(self, batch_size, fake_data=False, shuffle=True):
        """The next `batch_size` examples; an epoch's last batch is completed from the next epoch."""
        if fake_data or self.fake_data:
            image = [1.0] * 784
            label = [1] + [0] * 9 if self.one_hot else 0
            return [image] * batch_size, [label] * batch_size
        start = self._index_in_epoch
        if self._epochs_completed == 0 and start == 0 and shuffle:
            self._shuffle()
        if start + batch_size > self._num_examples:
            self._epochs_completed += 1
            rest = self._num_examples - start
            images_rest, labels_rest = self._images[start:], self._labels[start:]
            if shuffle:
                self._shuffle()
            self._index_in_epoch = batch_size - rest
            end = self._index_in_epoch
            return (np.concatenate((images_rest, self._images[:end]), axis=0),
                    np.concatenate((labels_rest, self._labels[:end]), axis=0))
        self._index_in_epoch += batch_size
        return self._images[start:self._index_in_epoch], self._labels[start:self._index_in_epoch]

    def _shuffle(self):
        order = self._rng.permutation(self._num_examples)
        self._images, self._labels = self._images[order], self._labels[order]


def _find_data(train_dir):
    """(folder, note) of the MNIST files to read (see the module docstring)."""
    found = _mnist.mnist_dir(train_dir) or _mnist._installed()
    if found:
        return found, None
    try:
        os.makedirs(train_dir, exist_ok=True)
        return _mnist.download(train_dir), None
    except (DataError, OSError) as exc:
        reason = str(exc).splitlines()[1].strip() if "\n" in str(exc) else str(exc)
        return _mnist.SUBSET_DIR, (f"MNIST is not in {train_dir}, $UNIGRAD_DATA or ~/.cache/unigrad/mnist and could "
                                   f"not be downloaded ({reason}): using the 6,000/1,000-image subset shipped with "
                                   "unigrad. For the full set, set $UNIGRAD_DATA to a folder holding the MNIST files.")


def read_data_sets(train_dir, fake_data=False, one_hot=False, dtype=np.float32, reshape=True, validation_size=5000,
                   seed=None, source_url=None):
    """Datasets(train, validation, test) of MNIST read from `train_dir` (or found as described above)."""
    if fake_data:
        fake = lambda: DataSet([], [], fake_data=True, one_hot=one_hot, dtype=dtype, seed=seed)  # noqa: E731
        return Datasets(train=fake(), validation=fake(), test=fake())
    dtype = getattr(dtype, "np", dtype)
    folder, note = _find_data(train_dir)
    if note is None and os.path.abspath(folder) == _mnist.SUBSET_DIR:
        note = "using the 6,000/1,000-image MNIST subset shipped with unigrad"
    paths = {name: _mnist._find(folder, name) for name in _mnist.FILES}
    for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                 "t10k-labels-idx1-ubyte"):
        print(f"Extracting {paths[name]}")
    if note:
        print(note)
    train_images = _mnist.read_idx(paths["train-images-idx3-ubyte"])[..., None]
    train_labels = _mnist.read_idx(paths["train-labels-idx1-ubyte"])
    test_images = _mnist.read_idx(paths["t10k-images-idx3-ubyte"])[..., None]
    test_labels = _mnist.read_idx(paths["t10k-labels-idx1-ubyte"])
    if os.path.abspath(folder) == _mnist.SUBSET_DIR:
        validation_size = validation_size * len(train_labels) // 60000
    if not 0 <= validation_size <= len(train_images):
        raise InvalidArgumentError(f"read_data_sets: validation_size should be between 0 and {len(train_images)}, "
                                   f"got {validation_size}")
    if one_hot:
        train_labels, test_labels = dense_to_one_hot(train_labels, 10), dense_to_one_hot(test_labels, 10)
    options = dict(dtype=dtype, reshape=reshape, seed=seed, one_hot=one_hot)
    return Datasets(train=DataSet(train_images[validation_size:], train_labels[validation_size:], **options),
                    validation=DataSet(train_images[:validation_size], train_labels[:validation_size], **options),
                    test=DataSet(test_images, test_labels, **options))


def load_mnist(train_dir="MNIST-data"):
    return read_data_sets(train_dir)
