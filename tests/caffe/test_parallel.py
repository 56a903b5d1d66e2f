"""`unigrad caffe train -n 2`: Caffe's multi-GPU semantics over MPI ranks. Two ranks with batch B
train exactly as one process with batch 2B (rank r keeps records r, r+2, ...; gradients
averaged; the root's initial weights), and only the root logs and snapshots."""
import os
import subprocess
import sys

import numpy as np
import pytest

from unigrad.caffe.proto import caffe_pb2 as pb
from unigrad.distributed.launch import find_mpiexec

from .conftest import CAFFE

if find_mpiexec() is None:
    pytest.skip("no mpiexec (CI installs mpich)", allow_module_level=True)

SOLVER = ('net: "{net}" base_lr: 0.01 momentum: 0.9 weight_decay: 0.0005 lr_policy: "inv" gamma: 0.0001 '
          'power: 0.75 display: 1 max_iter: 3 snapshot_after_train: true snapshot_prefix: "{prefix}" '
          'random_seed: 1 solver_mode: CPU')


def setup_run(folder, mnist_lmdb, batch):
    os.makedirs(folder)
    text = (CAFFE / "lenet_train_test.prototxt").read_text().replace("examples/mnist/mnist_train_lmdb", mnist_lmdb)
    text = text.replace("batch_size: 64", f"batch_size: {batch}")
    (folder / "net.prototxt").write_text(text)
    (folder / "solver.prototxt").write_text(SOLVER.format(net=folder / "net.prototxt", prefix=folder / "lenet"))
    return str(folder / "solver.prototxt")


def train(solver, *extra):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("UNIGRAD_CAFFE_RANKS", None)
    out = subprocess.run([sys.executable, "-m", "unigrad.cli", "caffe", "train", f"--solver={solver}", *extra],
                         capture_output=True, text=True, timeout=300, env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stderr


def weights(path):
    net = pb.NetParameter.FromString(open(path, "rb").read())
    return {layer.name: [np.asarray(b.data, np.float32) for b in layer.blobs] for layer in net.layer if layer.blobs}


def test_two_ranks_train_as_one_process_with_twice_the_batch(tmp_path, mnist_lmdb):
    two = train(setup_run(tmp_path / "two", mnist_lmdb, 8), "-n", "2")
    one = train(setup_run(tmp_path / "one", mnist_lmdb, 16))
    parallel = weights(tmp_path / "two" / "lenet_iter_3.caffemodel")
    single = weights(tmp_path / "one" / "lenet_iter_3.caffemodel")
    assert list(parallel) == list(single) == ["conv1", "conv2", "ip1", "ip2"]
    for name in single:
        for a, b in zip(parallel[name], single[name]):
            np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6, err_msg=name)
    assert np.abs(single["ip2"][1]).max() > 0  # the runs trained (the bias starts at 0)
    for log in (two, one):
        assert sum("Iteration 2, loss = " in line for line in log.splitlines()) == 1  # one log: the root's
        assert log.count("Optimization Done.") == 2
    assert "Starting 2 data-parallel ranks" in two
    assert not [f for f in os.listdir(tmp_path / "two") if ".tmp" in f or ".partial" in f]
