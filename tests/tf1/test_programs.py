"""The TF1 programs of issue 10 (tests/tf1/programs/, TF1 code with only the import changed), each
run as a user runs it and checked against its documented behaviour. They read the MNIST subset
shipped with unigrad (no download, no ../shared)."""
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import unigrad as ug

PROGRAMS = os.path.join(os.path.dirname(__file__), "programs")


def run(name, *args, tmp_path, timeout=300):
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNIGRAD")}
    env.update(UNIGRAD_DATA=ug.data.mnist.SUBSET_DIR, HOME=str(tmp_path), TEST_TMPDIR=str(tmp_path),
               HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9",
               OPENBLAS_NUM_THREADS="1")  # two test workers on two cores: one BLAS thread each
    proc = subprocess.run([sys.executable, os.path.join(PROGRAMS, name), *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=str(tmp_path))
    if proc.returncode != 0:
        pytest.fail(f"{name} exited with status {proc.returncode}; its stderr:\n{proc.stderr[-6000:]}", pytrace=False)
    return proc.stdout


def floats(pattern, text):
    """Every number the pattern's groups match, in order."""
    found = re.findall(pattern, text)
    return [float(v) for item in found for v in (item if isinstance(item, tuple) else (item,))]


def test_linear_regression_matches_the_same_sgd_in_numpy(tmp_path):
    out = run("linear_regression.py", tmp_path=tmp_path)
    w0, b0 = floats(r"initial W= ([-\d.e]+) b= ([-\d.e]+)", out)[0:2]
    cost, w, b = floats(r"Training cost= ([\d.e-]+) W= ([-\d.e]+) b= ([-\d.e]+)", out)
    xs = np.asarray([3.3, 4.4, 5.5, 6.71, 6.93, 4.168, 9.779, 6.182, 7.59, 2.167, 7.042, 10.791, 5.313, 7.997, 5.654,
                     9.27, 3.1], np.float32)
    ys = np.asarray([1.7, 2.76, 2.09, 3.19, 1.694, 1.573, 3.366, 2.596, 2.53, 1.221, 2.827, 3.465, 1.65, 2.904, 2.42,
                     2.94, 1.3], np.float32)
    rw, rb, n = np.float32(w0), np.float32(b0), np.float32(len(xs))
    for _ in range(1000):  # cost = (W x + b - y)^2 / (2 n) per sample: gradient (W x + b - y) / n * (x, 1)
        for x, y in zip(xs, ys):
            err = (rw * x + rb - y) / n
            rw, rb = rw - np.float32(0.01) * err * x, rb - np.float32(0.01) * err
    assert w == pytest.approx(float(rw), rel=1e-3) and b == pytest.approx(float(rb), rel=1e-3)
    best = np.polyfit(xs.astype(np.float64), ys, 1)
    optimum = np.sum((np.polyval(best, xs) - ys) ** 2) / (2 * len(xs))
    assert optimum <= cost < 1.03 * optimum  # documented: about 0.077, the least-squares cost (0.0770)
    assert "Testing cost=" in out


@pytest.mark.parametrize("name,least", [("logistic_regression.py", 0.85), ("multilayer_perceptron.py", 0.88),
                                        ("convolutional_network_raw.py", 0.85)])
def test_mnist_classifiers_learn(name, least, tmp_path):
    out = run(name, tmp_path=tmp_path)
    assert "using the 6,000/1,000-image MNIST subset shipped with unigrad" in out
    accuracy = floats(r"(?:Testing )?Accuracy:? ([\d.]+)", out)[-1]
    assert accuracy > least
    costs = floats(r"(?:cost=|Loss= ) ?([\d.]+)", out)
    assert costs[-1] < costs[0]


@pytest.mark.parametrize("name,least", [("recurrent_network.py", 0.75), ("dynamic_rnn.py", 0.7),
                                        ("bidirectional_rnn.py", 0.6)])
def test_recurrent_networks_on_mnist_rows(name, least, tmp_path):
    out = run(name, tmp_path=tmp_path)
    losses = floats(r"Minibatch Loss= ([\d.]+)", out)
    assert losses[-1] < 0.6 * losses[0]
    assert floats(r"Testing Accuracy: ([\d.]+)", out)[0] > least
    if name == "dynamic_rnn.py":
        assert ("'rnn/multi_rnn_cell/cell_0/lstm_cell/kernel', 'rnn/multi_rnn_cell/cell_0/lstm_cell/bias', "
                "'rnn/multi_rnn_cell/cell_1/gru_cell/gates/kernel'") in out


def test_autoencoder_loss_falls(tmp_path):
    out = run("autoencoder.py", tmp_path=tmp_path)
    losses = floats(r"Minibatch Loss: ([\d.]+)", out)
    assert len(losses) == 4 and losses[-1] < 0.5 * losses[0]
    assert floats(r"Test reconstruction error: ([\d.]+)", out)[0] < losses[0]


def test_save_restore_gives_back_the_saved_model(tmp_path):
    out = run("save_restore_model.py", str(tmp_path / "model.ckpt"), tmp_path=tmp_path)
    first, before, after, final = floats(r"Accuracy(?: before restore| after restore)?: ([\d.]+)", out)
    assert after == first and before < 0.3 and final >= after - 0.02
    assert f"Model saved in file: {tmp_path / 'model.ckpt'}" in out


def test_checkpoint_resume_continues_from_the_latest_checkpoint(tmp_path):
    folder = str(tmp_path / "ckpt")
    first = run("checkpoint_resume.py", folder, tmp_path=tmp_path)
    assert "No checkpoint: starting from step 0" in first
    assert "kept: ['model.ckpt-20', 'model.ckpt-40', 'model.ckpt-60']" in first
    second = run("checkpoint_resume.py", folder, tmp_path=tmp_path)
    assert f"Restored {folder}/model.ckpt-60 at step 60" in second
    assert "kept: ['model.ckpt-80', 'model.ckpt-100', 'model.ckpt-120']" in second  # max_to_keep=3
    # as in TF1, a Saver deletes only the checkpoints it wrote itself: the first run's stay on disk
    assert sorted(os.listdir(folder)) == ["checkpoint"] + sorted(f"model.ckpt-{k}" for k in range(20, 121, 20))
    losses = floats(r"loss ([\d.]+)", first + second)
    assert losses[-1] < losses[0]


def test_tensorboard_basic_writes_what_it_printed(tmp_path):
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing import event_accumulator
    logs = tmp_path / "logs"
    out = run("tensorboard_basic.py", str(logs), tmp_path=tmp_path)
    acc = event_accumulator.EventAccumulator(str(logs), size_guidance={"scalars": 0, "histograms": 0})
    acc.Reload()
    losses = acc.Scalars("loss")
    assert [e.step for e in losses] == list(range(110))  # 2 epochs of 55 batches of 100
    printed = dict((int(s), float(c)) for s, c in re.findall(r"step (\d+) cost ([\d.]+)", out))
    for step, cost in printed.items():
        assert losses[step].value == pytest.approx(cost, rel=1e-6)
    assert len(acc.Scalars("accuracy")) == 110 and len(acc.Histograms("weights")) == 110
    names = {n.name for n in acc.Graph().node}
    assert {"InputData", "Weights", "Model/MatMul", "Loss/Mean"} <= names
    assert floats(r"Accuracy: ([\d.]+)", out)[0] > 0.8


def test_dataset_api_program_trains_without_feeds(tmp_path):
    out = run("tensorflow_dataset_api.py", tmp_path=tmp_path)
    losses = floats(r"Minibatch Loss= ([\d.]+)", out)
    assert losses[-1] < 0.3 * losses[0]
    assert floats(r"Training Accuracy= ([\d.]+)", out)[-1] > 0.85
    assert "variables: 8" in out  # ConvNet built twice (train / test), variables shared by reuse=True


def test_dcgan_updates_both_networks_in_one_run(tmp_path):
    out = run("dcgan.py", tmp_path=tmp_path)
    assert ("discriminator variables: ['Discriminator/conv2d/kernel', 'Discriminator/conv2d/bias', "
            "'Discriminator/conv2d_1/kernel'") in out
    assert "generated image shape: [None, 28, 28, 1]" in out
    steps = re.findall(r"Generator Loss: ([\d.]+), Discriminator Loss: ([\d.]+)", out)
    g, d = np.array(steps, float).T
    assert len(steps) == 5 and np.isfinite(g).all() and np.isfinite(d).all()
    assert d[-1] < d[0] and g[-1] > g[0]  # the discriminator learns first, as in the documented run
    low, high = floats(r"generated range: ([\d.]+) ([\d.]+)", out)
    assert 0.0 <= low <= high <= 1.0


def test_fully_connected_feed(tmp_path):
    out = run("fully_connected_feed.py", "--max_steps", "600", tmp_path=tmp_path)
    losses = floats(r"Step \d+: loss = ([\d.]+)", out)
    assert len(losses) == 6 and 2.0 < losses[0] < 2.5 and losses[-1] < 0.7 * losses[0]
    precision = floats(r"Precision @ 1: ([\d.]+)", out)
    assert len(precision) == 3 and precision[2] > 0.75
    assert "Num examples: 5500" in out and "Num examples: 1000" in out  # train (subset) and test
    logs = tmp_path / "tensorflow" / "mnist" / "logs" / "fully_connected_feed"
    assert tf_checkpoint(logs) == str(logs / "model.ckpt-599")


def tf_checkpoint(folder):
    import unigrad.compat.v1 as tf
    return tf.train.latest_checkpoint(str(folder))
