"""Part 4: the solvers' update rules, learning-rate policies, regularisation, clipping, iter_size
and average_loss against Caffe's formulas run in NumPy; snapshots, restores and the log lines."""
import os
import re

import numpy as np
import pytest

from unigrad import caffe
from unigrad.caffe.lr_policy import learning_rate
from unigrad.caffe.parse import parse_text
from unigrad.caffe.proto import caffe_pb2 as pb

from .conftest import fixture

NET = ('name: "tiny" layer { name: "x" type: "Input" top: "x" top: "t" input_param { shape { dim: 4 dim: 3 } '
       'shape { dim: 4 dim: 2 } } } '
       'layer { name: "ip" type: "InnerProduct" bottom: "x" top: "y" param { lr_mult: 1 decay_mult: 1 } '
       'param { lr_mult: 2 decay_mult: 0 } inner_product_param { num_output: 2 weight_filler { type: "gaussian" '
       'std: 0.5 } bias_filler { type: "constant" value: 0.1 } } } '
       'layer { name: "loss" type: "EuclideanLoss" bottom: "y" bottom: "t" top: "loss" }')

RNG = np.random.default_rng(5)
X, T = RNG.standard_normal((4, 3)).astype(np.float32), RNG.standard_normal((4, 2)).astype(np.float32)


def make_solver(extra, tmp_path, keep_blobs=True, policy="fixed"):
    """The tiny net's solver: these defaults, overridden by the fields in `extra`."""
    param = parse_text(f'net_param {{ {NET} }} base_lr: 0.1 lr_policy: "{policy}" max_iter: 100 display: 0 '
                       f'snapshot_prefix: "{tmp_path}/tiny" snapshot_after_train: false random_seed: 3',
                       pb.SolverParameter)
    param.MergeFrom(parse_text(extra, pb.SolverParameter))
    solver = caffe.get_solver(param, keep_blobs=keep_blobs)
    solver.net.blobs["x"].data[...] = X
    solver.net.blobs["t"].data[...] = T
    return solver


def reference_run(kind, solver, steps, p):
    """Caffe's SGDSolver family in float64 NumPy on the tiny net."""
    w = np.array(solver.net.params["ip"][0].data, np.float64)
    b = np.array(solver.net.params["ip"][1].data, np.float64)
    params = [w, b]
    lr_mult, decay_mult = [1.0, 2.0], [1.0, 0.0]
    hist = [[np.zeros_like(q) for q in params] for _ in range(2)]
    for it in range(steps):
        y = X @ w.T + b
        d = (y - T) / 4.0  # EuclideanLoss: sum / (2N); its gradient (y - t) / N
        grads = [d.T @ X, d.sum(0)]
        if p.get("clip", -1) >= 0:
            norm = np.sqrt(sum((g ** 2).sum() for g in grads))
            if norm > p["clip"]:
                grads = [g * p["clip"] / norm for g in grads]
        rate = p["rate"](it)
        for i, (q, g) in enumerate(zip(params, grads)):
            decay = p.get("wd", 0) * decay_mult[i]
            g = g + decay * (q if p.get("reg", "L2") == "L2" else np.sign(q))
            lr, m, delta = rate * lr_mult[i], p.get("momentum", 0), p.get("delta", 1e-8)
            h1, h2 = hist[0][i], hist[1][i]
            if kind == "SGD":
                h1[...] = m * h1 + lr * g
                u = h1
            elif kind == "Nesterov":
                old = h1.copy()
                h1[...] = m * h1 + lr * g
                u = (1 + m) * h1 - m * old
            elif kind == "AdaGrad":
                h1 += g ** 2
                u = lr * g / (np.sqrt(h1) + delta)
            elif kind == "RMSProp":
                rho = p["rms_decay"]
                h1[...] = rho * h1 + (1 - rho) * g ** 2
                u = lr * g / (np.sqrt(h1) + delta)
            elif kind == "AdaDelta":
                h1[...] = m * h1 + (1 - m) * g ** 2
                step = g * np.sqrt((h2 + delta) / (h1 + delta))
                h2[...] = m * h2 + (1 - m) * step ** 2
                u = lr * step
            elif kind == "Adam":
                b1, b2, t = m, p.get("momentum2", 0.999), it + 1
                h1[...] = b1 * h1 + (1 - b1) * g
                h2[...] = b2 * h2 + (1 - b2) * g ** 2
                u = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t) * h1 / (np.sqrt(h2) + delta)
            q -= u
    return params, hist


@pytest.mark.parametrize("kind,extra,p", [
    ("SGD", "momentum: 0.9 weight_decay: 0.01", dict(momentum=0.9, wd=0.01)),
    ("SGD", 'momentum: 0.5 weight_decay: 0.01 regularization_type: "L1"', dict(momentum=0.5, wd=0.01, reg="L1")),
    ("Nesterov", "momentum: 0.9 weight_decay: 0.001", dict(momentum=0.9, wd=0.001)),
    ("AdaGrad", "weight_decay: 0.001 delta: 1e-6", dict(wd=0.001, delta=1e-6)),
    ("RMSProp", "rms_decay: 0.98 delta: 1e-6", dict(rms_decay=0.98, delta=1e-6)),
    ("AdaDelta", "momentum: 0.95 delta: 1e-6 weight_decay: 0.001", dict(momentum=0.95, delta=1e-6, wd=0.001)),
    ("Adam", "momentum: 0.9 momentum2: 0.999 delta: 1e-8", dict(momentum=0.9, momentum2=0.999, delta=1e-8)),
    ("SGD", "momentum: 0.9 clip_gradients: 0.05", dict(momentum=0.9, clip=0.05)),
])
def test_update_rules_follow_caffes_formulas(kind, extra, p, tmp_path):
    solver = make_solver(f'type: "{kind}" {extra}', tmp_path)
    p.setdefault("rate", lambda it: 0.1)
    (w, b), hist = reference_run(kind, solver, 6, p)
    solver.step(6)
    np.testing.assert_allclose(solver.net.params["ip"][0].data, w, rtol=2e-5, atol=2e-6)
    np.testing.assert_allclose(solver.net.params["ip"][1].data, b, rtol=2e-5, atol=2e-6)
    n = 2 if kind in ("AdaDelta", "Adam") else 1
    assert len(solver.history) == n
    np.testing.assert_allclose(solver.history[0][0].numpy(), hist[0][0], rtol=2e-5, atol=2e-6)
    if n == 2:
        np.testing.assert_allclose(solver.history[1][1].numpy(), hist[1][1], rtol=2e-5, atol=2e-6)


def test_solver_checks_are_caffes(tmp_path):
    with pytest.raises(caffe.NetDefinitionError, match="momentum cannot be used with AdaGrad"):
        make_solver('type: "AdaGrad" momentum: 0.9', tmp_path)
    with pytest.raises(caffe.NetDefinitionError, match="unknown learning rate policy"):
        make_solver("", tmp_path, policy="cosine")
    with pytest.raises(caffe.NetDefinitionError, match="unknown regularization type"):
        make_solver('regularization_type: "L3"', tmp_path)
    with pytest.raises(caffe.NetDefinitionError, match="Cannot write to snapshot prefix"):
        make_solver(f'snapshot: 10 snapshot_prefix: "{tmp_path}/missing/dir/x"', tmp_path)


def test_learning_rate_policies():
    def rate(text, it, step=0):
        return learning_rate(parse_text(text, pb.SolverParameter), it, step)
    lenet = 'base_lr: 0.01 lr_policy: "inv" gamma: 0.0001 power: 0.75'
    # the values Caffe prints in LeNet's log
    assert [float("%g" % rate(lenet, it)[0]) for it in (0, 100, 500, 5000, 9900)] == \
        [0.01, 0.00992565, 0.00964069, 0.00737788, 0.00596843]
    assert rate('base_lr: 0.1 lr_policy: "fixed"', 77)[0] == pytest.approx(0.1)
    assert rate('base_lr: 0.1 lr_policy: "step" gamma: 0.5 stepsize: 10', 25) == (pytest.approx(0.025), 2)
    assert rate('base_lr: 0.1 lr_policy: "exp" gamma: 0.9', 3)[0] == pytest.approx(0.1 * 0.9 ** 3, rel=1e-6)
    assert rate('base_lr: 0.1 lr_policy: "poly" power: 2 max_iter: 100', 30)[0] == pytest.approx(0.1 * 0.7 ** 2,
                                                                                                 rel=1e-6)
    assert rate('base_lr: 0.1 lr_policy: "sigmoid" gamma: 0.1 stepsize: 50', 60)[0] == \
        pytest.approx(0.1 / (1 + np.exp(-1.0)), rel=1e-6)
    multistep = 'base_lr: 1 lr_policy: "multistep" gamma: 0.5 stepvalue: 3 stepvalue: 5'
    step, rates = 0, []
    for it in range(7):
        r, step = rate(multistep, it, step)
        rates.append(r)
    assert rates == [1, 1, 1, 0.5, 0.5, 0.25, 0.25]


def test_iter_size_averages_accumulated_gradients(tmp_path):
    one = make_solver('type: "SGD" momentum: 0.9', tmp_path)
    two = make_solver('type: "SGD" momentum: 0.9 iter_size: 2', tmp_path)
    two.net.params["ip"][0].data[...] = one.net.params["ip"][0].data
    two.net.params["ip"][1].data[...] = one.net.params["ip"][1].data
    one.step(3)
    two.step(3)  # the same batch twice: the mean gradient is the batch's gradient
    np.testing.assert_allclose(two.net.params["ip"][0].data, one.net.params["ip"][0].data, rtol=1e-5, atol=1e-7)


def test_average_loss_smooths_the_displayed_loss(tmp_path):
    solver = make_solver('type: "SGD" average_loss: 3', tmp_path)
    losses = []
    for _ in range(5):
        solver.net.forward()
        losses.append(solver.net.loss())
        solver.step(1)
    solver.losses, solver.smoothed_loss = [], 0.0
    start = solver.iter
    for i, loss in enumerate(losses):
        solver.iter = start + i
        solver._update_smoothed_loss(loss, start)
    assert solver.smoothed_loss == pytest.approx(np.mean(losses[-3:]), rel=1e-6)


def test_keep_blobs_false_trains_the_same(tmp_path):
    a = make_solver('type: "SGD" momentum: 0.9', tmp_path)
    b = make_solver('type: "SGD" momentum: 0.9', tmp_path, keep_blobs=False)
    b.net.params["ip"][0].data[...] = a.net.params["ip"][0].data
    a.step(4)
    b.step(4)
    np.testing.assert_allclose(b.net.params["ip"][0].data, a.net.params["ip"][0].data, rtol=1e-6)
    # with keep_blobs, every blob holds the last pass and parameter diffs hold the update, as in Caffe
    y = X @ np.asarray(a.net.params["ip"][0].data).T  # (after the update: only the shape is compared)
    assert a.net.blobs["y"].data.shape == y.shape and a.net.params["ip"][0].diff.any()


def test_snapshot_and_restore_resume_exactly(tmp_path):
    solver = make_solver('type: "Adam" momentum: 0.9 snapshot: 3', tmp_path)
    solver.step(3)  # writes tiny_iter_3.caffemodel / .solverstate
    assert os.path.exists(f"{tmp_path}/tiny_iter_3.caffemodel") and os.path.exists(f"{tmp_path}/tiny_iter_3.solverstate")
    state = pb.SolverState.FromString(open(f"{tmp_path}/tiny_iter_3.solverstate", "rb").read())
    assert state.iter == 3 and state.learned_net == f"{tmp_path}/tiny_iter_3.caffemodel" and len(state.history) == 4
    solver.step(3)
    resumed = make_solver('type: "Adam" momentum: 0.9 snapshot: 3', tmp_path)
    resumed.restore(f"{tmp_path}/tiny_iter_3.solverstate")
    assert resumed.iter == 3
    resumed.step(3)
    np.testing.assert_allclose(resumed.net.params["ip"][0].data, solver.net.params["ip"][0].data, rtol=1e-6)
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".tmp")]  # nothing half-written left behind


def test_hdf5_snapshots(tmp_path):
    solver = make_solver('type: "SGD" momentum: 0.9 snapshot: 2 snapshot_format: HDF5', tmp_path)
    solver.step(2)
    assert os.path.exists(f"{tmp_path}/tiny_iter_2.caffemodel.h5")
    resumed = make_solver('type: "SGD" momentum: 0.9', tmp_path)
    resumed.restore(f"{tmp_path}/tiny_iter_2.solverstate.h5")
    assert resumed.iter == 2
    np.testing.assert_allclose(resumed.net.params["ip"][0].data, solver.net.params["ip"][0].data)
    np.testing.assert_allclose(resumed.history[0][0].numpy(), solver.history[0][0].numpy())


def test_a_caffemodel_as_snapshot_is_refused(tmp_path):
    solver = make_solver('type: "SGD"', tmp_path)
    solver.net.save(f"{tmp_path}/w.caffemodel")
    with pytest.raises(caffe.CaffeError, match="not a .solverstate|incorrect length of history"):
        solver.restore(f"{tmp_path}/w.caffemodel")


def test_resume_from_the_fixture_solverstate_and_continue(lenet_prototxt, tmp_path, monkeypatch):
    """The real LeNet state: iteration 5000, 8 SGD histories, weights from its learned_net."""
    monkeypatch.chdir(tmp_path)
    os.makedirs("examples/mnist")
    os.symlink(fixture("lenet_iter_5000.caffemodel"), "examples/mnist/lenet_iter_5000.caffemodel")
    text = (f'net: "{lenet_prototxt}" test_iter: 10 test_interval: 1000 base_lr: 0.01 momentum: 0.9 '
            'weight_decay: 0.0005 lr_policy: "inv" gamma: 0.0001 power: 0.75 display: 0 max_iter: 5010 '
            'snapshot_prefix: "lenet" type: "SGD" solver_mode: CPU random_seed: 1')
    solver = caffe.get_solver(parse_text(text, pb.SolverParameter), keep_blobs=False)
    solver.restore(fixture("lenet_iter_5000.solverstate"))
    assert solver.iter == 5000 and solver.current_step == 0
    source = pb.NetParameter.FromString(open(fixture("lenet_iter_5000.caffemodel"), "rb").read())
    np.testing.assert_array_equal(solver.net.params["ip2"][1].data, np.asarray(source.layer[7].blobs[1].data,
                                                                                np.float32))
    state = pb.SolverState.FromString(open(fixture("lenet_iter_5000.solverstate"), "rb").read())
    np.testing.assert_array_equal(solver.history[0][4].numpy().ravel(), np.asarray(state.history[4].data, np.float32))
    solver.solve()
    assert solver.iter == 5010 and os.path.exists("lenet_iter_5010.caffemodel")
    result = solver.test(0)
    assert result["accuracy"] > 0.95


def test_training_log_lines_are_caffes(tmp_path, capsys):
    import logging
    from unigrad.caffe import glog
    glog.LOGGER.setLevel(logging.INFO)
    solver = make_solver('type: "SGD" momentum: 0.9 display: 2 max_iter: 4 test_interval: 2 test_iter: 1 '
                         'snapshot: 4 snapshot_after_train: true', tmp_path)
    solver.test_nets = []
    solver.solve()
    lines = capsys.readouterr().err.splitlines()
    prefix = r"^[IWEF]\d{4} \d{2}:\d{2}:\d{2}\.\d{6} +\d+ [\w.]+:\d+\] "
    body = [re.sub(prefix, "", line) for line in lines if re.match(prefix, line)]
    assert any(re.fullmatch(r"Iteration 2, loss = [\d.e+-]+", b) for b in body)
    assert any(re.fullmatch(r"    Train net output #0: loss = [\d.e+-]+ \(\* 1 = [\d.e+-]+ loss\)", b) for b in body)
    assert "Iteration 2, lr = 0.1" in body
    assert f"Snapshotting to binary proto file {tmp_path}/tiny_iter_4.caffemodel" in body
    assert f"Snapshotting solver state to binary proto file {tmp_path}/tiny_iter_4.solverstate" in body
    assert body[-1] == "Optimization Done." and any(re.fullmatch(r"Iteration 4, loss = [\d.e+-]+", b) for b in body)
    assert body.index("Solving tiny") < body.index("Learning Rate Policy: fixed")


IDENTITY_LAYER = '''
from unigrad import caffe


class Identity(caffe.Layer):
    def reshape(self, bottom, top):
        top[0].reshape(*bottom[0].data.shape)

    def forward(self, bottom, top):
        top[0].data[...] = bottom[0].data

    def backward(self, top, propagate_down, bottom):
        bottom[0].diff[...] = top[0].diff
'''


def test_host_pass_gives_unreached_parameters_no_gradient(tmp_path, monkeypatch):
    """A parameter the backward does not reach (its top enters the loss with propagate_down
    false) gets only weight decay, with or without a Python layer in the net (the host pass once
    fed the parameter's last update back in as its gradient)."""
    (tmp_path / "identity_layer.py").write_text(IDENTITY_LAYER)
    monkeypatch.syspath_prepend(str(tmp_path))

    def side_weights(middle):
        net = ('layer { name: "x" type: "DummyData" top: "x" dummy_data_param { shape { dim: 4 dim: 3 } '
               'data_filler { type: "constant" value: 1 } } } '
               'layer { name: "side" type: "InnerProduct" bottom: "x" top: "side" inner_product_param { '
               'num_output: 2 weight_filler { type: "constant" value: 1 } } } '
               'layer { name: "ip" type: "InnerProduct" bottom: "x" top: "a" inner_product_param { num_output: 2 '
               'weight_filler { type: "constant" value: 0.5 } } } ' + middle +
               ' layer { name: "loss" type: "EuclideanLoss" bottom: "b" bottom: "side" top: "loss" '
               'propagate_down: true propagate_down: false }')
        solver = caffe.get_solver(parse_text(f'net_param {{ {net} }} base_lr: 0.1 momentum: 0.9 weight_decay: 0.1 '
                                             'lr_policy: "fixed" display: 0', pb.SolverParameter))
        solver.step(3)
        return solver.net.params["side"][0].data.copy()

    w, h = 1.0, 0.0
    for _ in range(3):  # SGD with momentum on the weight decay alone
        h = 0.9 * h + 0.1 * 0.1 * w
        w -= h
    compiled = side_weights('layer { name: "id" type: "Split" bottom: "a" top: "b" }')
    host = side_weights('layer { name: "id" type: "Python" bottom: "a" top: "b" '
                        'python_param { module: "identity_layer" layer: "Identity" } }')
    np.testing.assert_allclose(compiled, w, rtol=1e-5)
    np.testing.assert_allclose(host, w, rtol=1e-5)
