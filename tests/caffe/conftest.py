"""Fixtures of the Caffe tests: the files real Caffe wrote (tests/fixtures/caffe), MNIST's test
set as an LMDB made once per session, and LeNet's definition pointed at it."""
import os
import pathlib

import pytest

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures"
CAFFE = FIXTURES / "caffe"
MNIST = FIXTURES / "mnist"


@pytest.fixture(autouse=True)
def _quiet_caffe_log(monkeypatch):
    """Caffe's info lines would flood the test output; errors still show."""
    import logging
    from unigrad.caffe import glog
    level = glog.LOGGER.level
    glog.LOGGER.setLevel(logging.WARNING)
    yield
    glog.LOGGER.setLevel(level)


@pytest.fixture(scope="session")
def mnist_lmdb(tmp_path_factory):
    """The 10,000 MNIST test images as Caffe's convert_mnist_data writes them."""
    from unigrad.caffe.data.convert import convert_mnist
    path = tmp_path_factory.mktemp("mnist") / "mnist_test_lmdb"
    convert_mnist(str(MNIST / "t10k-images-idx3-ubyte.gz"), str(MNIST / "t10k-labels-idx1-ubyte.gz"), str(path))
    return str(path)


@pytest.fixture(scope="session")
def lenet_prototxt(mnist_lmdb, tmp_path_factory):
    """Caffe's lenet_train_test.prototxt with both data layers reading the MNIST test LMDB."""
    text = (CAFFE / "lenet_train_test.prototxt").read_text()
    text = text.replace("examples/mnist/mnist_train_lmdb", mnist_lmdb).replace("examples/mnist/mnist_test_lmdb",
                                                                              mnist_lmdb)
    path = tmp_path_factory.mktemp("lenet") / "lenet_train_test.prototxt"
    path.write_text(text)
    return str(path)


def fixture(name):
    return str(CAFFE / name)


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path
