"""Part 6: `unigrad caffe ...` end to end on a small LMDB: the data tools, train (logs a Caffe log
parser reads, snapshots, resume, fine-tune, SIGINT), test, time; bad command lines."""
import os
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from unigrad.caffe import cli
from unigrad.caffe.proto import caffe_pb2 as pb

from .caffe_log_parser import parse, parse_sh_losses
from .conftest import CAFFE, MNIST, fixture

PREFIX = re.compile(r"^[IWEF]\d{4} \d{2}:\d{2}:\d{2}\.\d{6} +\d+ [\w.]+:\d+\] ")


def run(argv, capfd):
    """Run one command in-process with Caffe's info lines on; (status, stderr lines)."""
    import logging
    from unigrad.caffe import glog
    glog.LOGGER.setLevel(logging.INFO)
    status = cli.main(argv)
    return status, capfd.readouterr().err.splitlines()


def messages(lines):
    return [PREFIX.sub("", line) for line in lines if PREFIX.match(line)]


@pytest.fixture
def workdir(tmp_path, monkeypatch, mnist_lmdb):
    """LeNet's definition reading a 1,000-image LMDB, and a short solver for it."""
    monkeypatch.chdir(tmp_path)
    from unigrad.caffe.data.lmdb_store import Reader, Writer
    reader = Reader(mnist_lmdb)
    with Writer("mnist_small_lmdb") as db:
        for _ in range(1000):
            db.put(*reader.next())
    reader.close()
    text = (CAFFE / "lenet_train_test.prototxt").read_text()
    text = text.replace("examples/mnist/mnist_train_lmdb", "mnist_small_lmdb").replace(
        "examples/mnist/mnist_test_lmdb", "mnist_small_lmdb")
    (tmp_path / "lenet.prototxt").write_text(text)
    (tmp_path / "solver.prototxt").write_text(
        'net: "lenet.prototxt" test_iter: 2 test_interval: 10 base_lr: 0.01 momentum: 0.9 weight_decay: 0.0005 '
        'lr_policy: "inv" gamma: 0.0001 power: 0.75 display: 5 max_iter: 20 snapshot: 10 '
        'snapshot_prefix: "snap/lenet" solver_mode: CPU random_seed: 7\n')
    os.makedirs("snap")
    return tmp_path


def test_convert_mnist_writes_caffes_records(tmp_path, capfd):
    db = str(tmp_path / "db")
    status, lines = run(["convert-mnist", str(MNIST / "t10k-images-idx3-ubyte.gz"),
                         str(MNIST / "t10k-labels-idx1-ubyte.gz"), db], capfd)
    assert status == 0 and "A total of 10000 items." in messages(lines)
    import lmdb
    env = lmdb.open(db, readonly=True, lock=False)
    with env.begin() as txn:
        assert txn.stat()["entries"] == 10000
        first = txn.get(b"00000000")
        assert len(first) == 795 and first.startswith(bytes.fromhex("0801101c181c229006"))
        assert pb.Datum.FromString(txn.get(b"00009999")).label == 6  # the last test digit
    env.close()


def test_train_logs_snapshots_resume_and_finetune(workdir, capfd):
    status, lines = run(["train", "--solver=solver.prototxt"], capfd)
    assert status == 0
    body = messages(lines)
    assert "Use CPU." in body and "Starting Optimization" in body and body[-2:] == ["Optimization Done."] * 2
    assert os.path.exists("snap/lenet_iter_10.caffemodel") and os.path.exists("snap/lenet_iter_20.solverstate")
    after_first = [PREFIX.match(line) is not None for line in lines[next(i for i, l in enumerate(lines)
                                                                            if "Iteration 0" in l):]]
    assert all(after_first)  # parse_log.py needs every line after the first iteration to be a glog line
    train, test = parse(lines)
    assert [row["NumIters"] for row in train] == [0, 5, 10, 15, 20][:len(train)] and len(train) >= 4
    assert [row["NumIters"] for row in test] == [0, 10, 20] and all("accuracy" in row for row in test)
    assert train[1]["LearningRate"] == pytest.approx(0.01 * (1 + 0.0001 * 0) ** -0.75, rel=1e-4)
    losses, rates = parse_sh_losses(lines)
    assert len(losses) >= 4 and rates[0] == 0.01
    assert test[-1]["accuracy"] > 0.5  # 20 iterations of LeNet already learn most digits
    # resume from the state: continues at iteration 10
    status, lines = run(["train", "--solver=solver.prototxt", "--snapshot=snap/lenet_iter_10.solverstate"], capfd)
    body = messages(lines)
    assert status == 0 and "Resuming from snap/lenet_iter_10.solverstate" in body
    assert "Iteration 10, Testing net (#0)" in body and "Iteration 0, Testing net (#0)" not in body
    # fine-tune from weights; with both flags the tool refuses
    status, lines = run(["train", "-solver", "solver.prototxt", "-weights", "snap/lenet_iter_20.caffemodel"], capfd)
    assert status == 0 and "Finetuning from snap/lenet_iter_20.caffemodel" in messages(lines)
    status, lines = run(["train", "--solver=solver.prototxt", "--snapshot=a", "--weights=b"], capfd)
    assert status == 1 and lines[-1].startswith("F") and "but not both" in lines[-1]


def test_test_and_time_commands(workdir, capfd):
    status, lines = run(["test", "--model=lenet.prototxt", f"--weights={fixture('lenet_iter_10000.caffemodel')}",
                         "--iterations=3"], capfd)
    body = messages(lines)
    assert status == 0 and "Running for 3 iterations." in body
    assert sum(1 for b in body if re.fullmatch(r"Batch \d, accuracy = [\d.e+-]+", b)) == 3
    assert any(re.fullmatch(r"loss = [\d.e+-]+ \(\* 1 = [\d.e+-]+ loss\)", b) for b in body)
    accuracy = float(next(b for b in body if b.startswith("accuracy = ")).split()[-1])
    assert accuracy > 0.95
    status, lines = run(["time", "--model=lenet.prototxt", "--iterations=2"], capfd)
    body = messages(lines)
    assert status == 0 and "*** Benchmark begins ***" in body and body[-1] == "*** Benchmark ends ***"
    assert any(re.fullmatch(r"Iteration: 2 forward-backward time: [\d.e+-]+ ms\.", b) for b in body)
    assert any(re.fullmatch(r" +conv1\tforward: [\d.e+-]+ ms\.", b) for b in body)
    assert any(re.fullmatch(r"Average Forward-Backward: [\d.e+-]+ ms\.", b) for b in body)


def test_convert_imageset_and_compute_image_mean(tmp_path, capfd, monkeypatch):
    from PIL import Image
    monkeypatch.chdir(tmp_path)
    os.makedirs("images")
    rng = np.random.default_rng(0)
    pixels = []
    for i in range(4):
        rgb = rng.integers(0, 256, (6, 5, 3), dtype=np.uint8)
        Image.fromarray(rgb).save(f"images/im {i}.png")
        pixels.append(rgb)
    with open("list.txt", "w") as f:
        f.writelines(f"im {i}.png {i % 2}\n" for i in range(4))
    status, _ = run(["convert-imageset", "images/", "list.txt", "img_lmdb"], capfd)
    assert status == 0
    import lmdb
    env = lmdb.open("img_lmdb", readonly=True, lock=False)
    with env.begin() as txn:
        keys = [k.decode() for k, _ in txn.cursor()]
        datum = pb.Datum.FromString(txn.get(b"00000001_im 1.png"))
    env.close()
    assert keys == [f"{i:08d}_im {i}.png" for i in range(4)]  # the path may hold a space: split at the last
    assert (datum.channels, datum.height, datum.width, datum.label) == (3, 6, 5, 1)
    bgr = np.frombuffer(datum.data, np.uint8).reshape(3, 6, 5)
    np.testing.assert_array_equal(bgr, pixels[1][:, :, ::-1].transpose(2, 0, 1))  # BGR, as OpenCV stores
    status, lines = run(["compute-image-mean", "img_lmdb", "mean.binaryproto"], capfd)
    assert status == 0
    blob = pb.BlobProto.FromString(open("mean.binaryproto", "rb").read())
    assert (blob.num, blob.channels, blob.height, blob.width) == (1, 3, 6, 5)  # the legacy 4-D form
    mean = np.mean([p[:, :, ::-1].transpose(2, 0, 1).astype(np.float64) for p in pixels], axis=0)
    np.testing.assert_allclose(np.asarray(blob.data).reshape(3, 6, 5), mean, rtol=1e-6)
    status, _ = run(["convert-imageset", "--resize_height=3", "--resize_width=4", "--gray", "--shuffle",
                     "images/", "list.txt", "small_lmdb"], capfd)
    env = lmdb.open("small_lmdb", readonly=True, lock=False)
    with env.begin() as txn:
        datum = pb.Datum.FromString(next(iter(txn.cursor()))[1])
    env.close()
    assert status == 0 and (datum.channels, datum.height, datum.width) == (1, 3, 4)
    status, _ = run(["convert-imageset", "--encoded", "images/", "list.txt", "enc_lmdb"], capfd)
    env = lmdb.open("enc_lmdb", readonly=True, lock=False)
    with env.begin() as txn:
        datum = pb.Datum.FromString(next(iter(txn.cursor()))[1])
    env.close()
    assert status == 0 and datum.encoded and datum.data.startswith(b"\x89PNG")


def test_bad_command_lines(capfd, tmp_path):
    status, lines = run(["frobnicate"], capfd)
    assert status == 2 and "Unknown action: frobnicate" in "\n".join(lines)
    status, lines = run(["train"], capfd)
    assert status == 1 and "need a solver definition" in lines[-1]
    status, lines = run(["test", "--model=x.prototxt", "--bogus=1"], capfd)
    assert status == 1 and "unknown flag '--bogus=1'" in lines[-1]
    status, lines = run(["test", f"--model={tmp_path}/missing.prototxt", "--weights=w"], capfd)
    assert status == 1 and "missing.prototxt: no such file" in lines[-1]
    status, lines = run(["convert-mnist", "a"], capfd)
    assert status == 1 and "usage: unigrad caffe convert-mnist" in lines[-1]


def test_sigint_snapshots_and_stops(workdir):
    (workdir / "long.prototxt").write_text(
        'net: "lenet.prototxt" base_lr: 0.01 momentum: 0.9 lr_policy: "fixed" display: 1 max_iter: 100000 '
        'snapshot_prefix: "snap/lenet" solver_mode: CPU\n')
    proc = subprocess.Popen([sys.executable, "-m", "unigrad.cli", "caffe", "train", "--solver=long.prototxt"],
                            stderr=subprocess.PIPE, text=True, cwd=str(workdir))
    lines = []
    deadline = time.time() + 240
    for line in proc.stderr:
        lines.append(line)
        if "Iteration 3, lr" in line or time.time() > deadline:
            break
    proc.send_signal(signal.SIGINT)
    _, rest = proc.communicate(timeout=240)
    text = "".join(lines) + rest
    assert proc.returncode == 0, text[-2000:]
    assert "Optimization stopped early." in text
    snapshots = [f for f in os.listdir("snap") if f.endswith(".caffemodel")]
    assert len(snapshots) == 1 and re.fullmatch(r"lenet_iter_\d+\.caffemodel", snapshots[0])
