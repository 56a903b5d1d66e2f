"""ug.onnx.export: models in part 1 of the ONNX issue run in onnxruntime with unigrad's outputs
(rtol 1e-4, float32) at two batch sizes from one file; files pass onnx's checker; bad calls fail
clearly and leave no file behind."""
import os

import numpy as np
import onnx
import pytest

import unigrad as ug
import unigrad.onnx  # noqa: F401

from . import models

ort = pytest.importorskip("onnxruntime")


def run_ort(path_or_proto, *arrays):
    data = path_or_proto if isinstance(path_or_proto, str) else path_or_proto.SerializeToString()
    session = ort.InferenceSession(data, providers=["CPUExecutionProvider"])
    return session.run(None, {i.name: a for i, a in zip(session.get_inputs(), arrays)})


@pytest.mark.parametrize("name", ["mlp", "lenet", "resnet", "encoder", "gated", "recurrent"])
def test_models_run_in_onnxruntime_at_two_batch_sizes_from_one_file(name, tmp_path):
    model = models.build(name)
    path = str(tmp_path / f"{name}.onnx")
    ug.onnx.export(model, models.example(name, 2), path, input_names=["x"], output_names=["y"],
                   dynamic_axes={"x": models.DYNAMIC[name]})
    onnx.checker.check_model(path, full_check=True)
    proto = onnx.load(path)
    dims = proto.graph.input[0].type.tensor_type.shape.dim
    assert dims[0].dim_param == "batch"
    for batch in (2, 5):
        x = models.example(name, batch, seed=batch)
        with ug.no_grad():
            want = model(x).numpy()
        got, = run_ort(path, x.numpy())
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
    if name == "gated":  # the branch not taken by the traced example runs too
        x = -models.example(name, 3).abs()
        np.testing.assert_allclose(run_ort(path, x.numpy())[0], model(x).detach().numpy(), rtol=1e-4, atol=1e-5)


def test_the_onnx_ops_are_the_ones_users_expect():
    ops = [n.op_type for n in ug.onnx.export(models.build("lenet"), models.example("lenet", 1)).graph.node]
    assert ops == ["Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Flatten", "Gemm", "Relu", "Gemm", "Relu",
                   "Gemm"]
    resnet = ug.onnx.export(models.build("resnet"), models.example("resnet", 1))
    assert {"BatchNormalization", "Add", "GlobalAveragePool"} <= {n.op_type for n in resnet.graph.node}
    encoder = ug.onnx.export(models.build("encoder"), models.example("encoder", 1))
    assert {"LayerNormalization", "Softmax", "Gelu"} <= {n.op_type for n in encoder.graph.node}
    recurrent = ug.onnx.export(models.build("recurrent"), models.example("recurrent", 1))
    assert [n.op_type for n in recurrent.graph.node if n.op_type in ("LSTM", "GRU")] == ["LSTM", "LSTM", "GRU", "GRU"]
    gated = ug.onnx.export(models.build("gated"), models.example("gated", 1))
    assert [n.op_type for n in gated.graph.node][-1] == "If"


def test_weights_keep_their_module_names():
    proto = ug.onnx.export(models.build("mlp"), models.example("mlp", 1))
    assert {t.name for t in proto.graph.initializer} >= {"0.weight", "0.bias", "2.weight", "2.bias"}


def test_a_graph_saved_with_jit_save_exports_with_its_symbolic_batch(tmp_path):
    model = models.build("lenet")
    traced = ug.jit.trace(model, (models.example("lenet", 2),), dynamic_batch=True)
    ug.jit.save(traced, str(tmp_path / "lenet.safetensors"))
    loaded = ug.jit.load(str(tmp_path / "lenet.safetensors"))
    proto = ug.onnx.export(loaded, None, str(tmp_path / "lenet.onnx"))
    assert proto.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "B"
    for batch in (1, 3):
        x = models.example("lenet", batch)
        np.testing.assert_allclose(run_ort(proto, x.numpy())[0], model(x).detach().numpy(), rtol=1e-4, atol=1e-5)


def test_a_tf1_session_fetch_exports_with_its_unknown_batch():
    tf = pytest.importorskip("unigrad.compat.v1")
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [None, 4], name="x")
        w = tf.Variable(np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32))
        y = tf.nn.softmax(tf.matmul(x, w) + 1.0)
        with tf.Session(graph=graph) as sess:
            sess.run(tf.global_variables_initializer())
            feed = np.ones((2, 4), np.float32)
            proto = ug.onnx.export(sess, {x: feed}, fetches=y)
            for batch in (2, 5):
                data = np.random.default_rng(batch).standard_normal((batch, 4)).astype(np.float32)
                np.testing.assert_allclose(run_ort(proto, data)[0], sess.run(y, {x: data}), rtol=1e-4, atol=1e-6)


def test_opset_is_the_newest_onnxruntime_runs_and_older_ones_work():
    assert ug.onnx.default_opset() == onnx.defs.onnx_opset_version()  # onnxruntime 1.32 runs opset 28
    model = models.build("mlp")
    x = models.example("mlp", 3)
    for opset in (11, 13, 17):
        proto = ug.onnx.export(model, x, opset=opset)
        assert proto.opset_import[0].version == opset
        np.testing.assert_allclose(run_ort(proto, x.numpy())[0], model(x).detach().numpy(), rtol=1e-4, atol=1e-5)


def test_an_op_without_a_rule_is_named_with_its_line():
    def uses_window_select(x):
        values, arg = ug.max_pool2d_windows(x, (2, 2), (2, 2), (0, 0, 0, 0), (1, 1))
        return values + arg
    with pytest.raises(ug.onnx.OnnxExportError, match=r"'max_pool2d_windows' \(created at .*test_export.py"):
        ug.onnx.export(uses_window_select, ug.randn(1, 1, 4, 4))


def test_a_value_read_into_python_is_refused():
    def branchy(x):
        return x * 2 if float(x.sum()) > 0 else x
    with pytest.raises(ug.onnx.OnnxExportError, match="reads tensor values into Python.*ug.cond"):
        ug.onnx.export(branchy, ug.ones(3))


def test_bad_arguments_are_named_and_no_file_is_left(tmp_path):
    model = models.build("mlp")
    x = models.example("mlp", 2)
    with pytest.raises(ug.InvalidArgumentError, match=r"dynamic_axes names \['images'\].*inputs are \['input'\]"):
        ug.onnx.export(model, x, str(tmp_path / "a.onnx"), dynamic_axes={"images": {0: "batch"}})
    with pytest.raises(ug.InvalidArgumentError, match="opset must be an int from 11"):
        ug.onnx.export(model, x, str(tmp_path / "a.onnx"), opset=5)
    with pytest.raises(ug.InvalidArgumentError, match="2 output names given for the graph's 1"):
        ug.onnx.export(model, x, str(tmp_path / "a.onnx"), output_names=["a", "b"])
    assert os.listdir(tmp_path) == []


def test_external_data_writes_the_weights_beside_the_model(tmp_path):
    model = models.build("lenet")
    path = str(tmp_path / "lenet.onnx")
    ug.onnx.export(model, models.example("lenet", 1), path, external_data=True)
    assert sorted(os.listdir(tmp_path)) == ["lenet.onnx", "lenet.onnx.data"]
    x = models.example("lenet", 1, seed=4)
    np.testing.assert_allclose(run_ort(path, x.numpy())[0], model(x).detach().numpy(), rtol=1e-4, atol=1e-5)
