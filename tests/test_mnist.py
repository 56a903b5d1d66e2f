"""Where MNIST is found, the subset shipped for offline first runs, and the messages when it is not."""
import os

import numpy as np
import pytest

import unigrad as ug
from unigrad.data import mnist

OFFLINE_MIRROR = ["http://127.0.0.1:9/"]  # nobody listens there: a download fails at once


@pytest.fixture
def no_installed_mnist(tmp_path, monkeypatch):
    """A machine with no $UNIGRAD_DATA and an empty home (no cached MNIST)."""
    monkeypatch.delenv("UNIGRAD_DATA", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setattr(mnist, "MIRRORS", OFFLINE_MIRROR)
    return tmp_path


def _copy_subset(folder):
    os.makedirs(folder, exist_ok=True)
    for name in mnist.FILES:
        with open(os.path.join(mnist.SUBSET_DIR, name + ".gz"), "rb") as src:
            with open(os.path.join(folder, name + ".gz"), "wb") as dst:
                dst.write(src.read())


def test_the_subset_is_the_first_records_of_mnist_and_verifies():
    train = ug.data.MNIST(subset=True, train=True, verify=True)
    test = ug.data.MNIST(subset=True, train=False, verify=True, normalize=False)
    assert (len(train), len(test)) == (6000, 1000)
    assert np.bincount(train.targets.numpy(), minlength=10).tolist() == [592, 671, 581, 608, 623, 514, 608, 651,
                                                                         551, 601]
    assert train.targets[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]  # MNIST's first training labels
    assert test.data.shape == (1000, 1, 28, 28) and float(test.data.max()) == 1.0
    assert "subset shipped with unigrad" in train.source and "6,000" in train.source


def test_locate_falls_back_to_the_subset_offline_and_says_why(no_installed_mnist):
    root, note = mnist.locate()
    assert root == mnist.SUBSET_DIR
    assert note.startswith("the MNIST subset shipped with unigrad")
    assert "download failed" in note and "127.0.0.1:9" in note and "$UNIGRAD_DATA" in note


def test_unigrad_data_holds_mnist_directly_or_in_a_mnist_folder(no_installed_mnist, monkeypatch):
    data = no_installed_mnist / "datasets"
    _copy_subset(str(data / "mnist"))
    monkeypatch.setenv("UNIGRAD_DATA", str(data))
    assert mnist.locate() == (str(data / "mnist"), f"MNIST from {data / 'mnist'}")
    assert len(ug.data.MNIST(train=False)) == 1000  # root=None reads $UNIGRAD_DATA
    monkeypatch.setenv("UNIGRAD_DATA", str(data / "mnist"))
    assert mnist.locate()[0] == str(data / "mnist")
    assert ug.data.MNIST(str(data), train=False).root == str(data / "mnist")  # a parent folder works too


def test_a_given_folder_without_mnist_is_an_error_not_a_fallback(no_installed_mnist):
    empty = no_installed_mnist / "empty"
    empty.mkdir()
    with pytest.raises(ug.DataError, match=rf"could not download MNIST file .* into '{empty}'"):
        mnist.locate(str(empty))
    with pytest.raises(ug.DataError, match=rf"no MNIST files in '{empty}'"):
        mnist.locate(str(empty), download=False)


def test_missing_files_message_is_complete_and_names_the_variable(no_installed_mnist):
    with pytest.raises(ug.DataError) as info:
        ug.data.MNIST(train=True)
    text = str(info.value)
    assert "$UNIGRAD_DATA" in text and "download=True" in text and "MNIST(subset=True)" in text
    with pytest.raises(ug.DataError) as info:
        ug.data.MNIST(download=True)
    text = str(info.value)
    assert "could not download MNIST file 'train-images-idx3-ubyte'" in text
    assert "set $UNIGRAD_DATA to a folder that holds them" in text and text.rstrip().endswith(")")
    assert not [p for p in os.listdir(mnist.default_root()) if p.startswith(".download-")]  # no half-written file
    with pytest.raises(ug.InvalidArgumentError, match="not both"):
        ug.data.MNIST("somewhere", subset=True)


FULL = mnist._installed()


@pytest.mark.skipif(FULL is None, reason="the full MNIST is not in $UNIGRAD_DATA or ~/.cache/unigrad/mnist")
def test_the_full_set_verifies_when_installed():
    test = ug.data.MNIST(FULL, train=False, verify=True)
    assert np.bincount(test.targets.numpy(), minlength=10).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028,
                                                                        974, 1009]
    subset = ug.data.MNIST(subset=True, train=False)
    np.testing.assert_array_equal(test.data.numpy()[:1000], subset.data.numpy())  # the subset is its first records
