"""examples/caffe/lenet: the project's own LeNet prototxt and solver are Caffe's LeNet and stock
schedule (the fixture weights load into it and score as in Caffe's own file), and
`unigrad caffe train` runs the example solver from the repository root."""
import logging
import os
import pathlib
import shutil

import numpy as np
import pytest

from unigrad import caffe
from unigrad.caffe import cli, glog
from unigrad.caffe.parse import read_solver

from .conftest import fixture

ROOT = pathlib.Path(__file__).resolve().parents[2]
LENET = ROOT / "examples" / "caffe" / "lenet"


@pytest.fixture
def example_tree(mnist_lmdb, tmp_path, monkeypatch):
    """A copy of examples/caffe/lenet with both LMDBs pointing at the small test LMDB."""
    folder = tmp_path / "examples" / "caffe" / "lenet"
    folder.mkdir(parents=True)
    for name in ("lenet_solver.prototxt", "lenet_train_test.prototxt"):
        shutil.copy(LENET / name, folder / name)
    for name in ("mnist_train_lmdb", "mnist_test_lmdb"):
        os.symlink(mnist_lmdb, folder / name)
    monkeypatch.chdir(tmp_path)
    return folder


def test_example_solver_is_caffes_stock_lenet_schedule():
    p = read_solver(str(LENET / "lenet_solver.prototxt"))
    assert (p.net, p.type, p.base_lr, p.momentum, p.lr_policy, p.max_iter, p.test_interval, p.test_iter) == (
        "examples/caffe/lenet/lenet_train_test.prototxt", "SGD", pytest.approx(0.01), pytest.approx(0.9), "inv",
        10000, 500, [100])
    assert (p.weight_decay, p.gamma, p.power) == (pytest.approx(5e-4), pytest.approx(1e-4), pytest.approx(0.75))


def test_fixture_weights_score_the_same_in_the_example_net(example_tree, lenet_prototxt):
    ours = caffe.Net("examples/caffe/lenet/lenet_train_test.prototxt", fixture("lenet_iter_10000.caffemodel"),
                     caffe.TEST)
    theirs = caffe.Net(lenet_prototxt, fixture("lenet_iter_10000.caffemodel"), caffe.TEST)
    assert list(ours.params) == list(theirs.params)
    for _ in range(3):
        a, b = ours.forward(), theirs.forward()
        np.testing.assert_array_equal(ours.blobs["ip2"].data, theirs.blobs["ip2"].data)
        assert a["accuracy"] == b["accuracy"] and a["loss"] == pytest.approx(b["loss"])


def test_caffe_train_runs_the_example_solver(example_tree, capfd):
    text = (example_tree / "lenet_solver.prototxt").read_text()
    text = text.replace("max_iter: 10000", "max_iter: 40").replace("test_iter: 100", "test_iter: 2") \
        .replace("test_interval: 500", "test_interval: 20").replace("display: 100", "display: 20") \
        .replace("snapshot: 5000", "snapshot: 0")
    (example_tree / "lenet_solver.prototxt").write_text(text)
    glog.LOGGER.setLevel(logging.INFO)  # the conftest quiets info lines; this test reads them
    assert cli.main(["train", "--solver=examples/caffe/lenet/lenet_solver.prototxt"]) == 0
    err = capfd.readouterr().err
    losses = [float(line.rsplit("=", 1)[1]) for line in err.splitlines() if "Iteration" in line and "loss =" in line]
    assert len(losses) == 3 and losses[-1] < 0.6 * losses[0]
    assert "Optimization Done." in err
    assert os.path.exists("examples/caffe/lenet/lenet_iter_40.caffemodel")  # snapshot_after_train
