"""ug.onnx.load and ug.onnx.to_module: every model of part 1 comes back exact (rtol 1e-5) at two
batch sizes, compiled as ug.jit compiles; an imported module trains (loss falls), honours
train/eval and exports again to a file onnxruntime runs; old opsets and external data load."""
import os

import numpy as np
import onnx
import pytest
from onnx import helper

import unigrad as ug
import unigrad.onnx  # noqa: F401

from . import models

ort = pytest.importorskip("onnxruntime")


def exported(name, tmp_path, **kw):
    path = str(tmp_path / f"{name}.onnx")
    ug.onnx.export(models.build(name), models.example(name, 2), path, input_names=["x"], output_names=["y"],
                   dynamic_axes={"x": models.DYNAMIC[name]}, **kw)
    return path


@pytest.mark.parametrize("name", ["mlp", "lenet", "resnet", "encoder", "gated", "recurrent"])
def test_round_trip_is_exact_at_two_batch_sizes(name, tmp_path):
    model = models.build(name)
    net = ug.onnx.load(exported(name, tmp_path))
    assert net.input_names == ["x"] and net.output_names == ["y"]
    for batch in (2, 5):
        x = models.example(name, batch, seed=batch)
        with ug.no_grad():
            want = model(x).numpy()
        np.testing.assert_allclose(net(x).numpy(), want, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(net.run(None, {"x": x.numpy()})[0], want, rtol=1e-5, atol=1e-6)


def test_a_loaded_model_runs_as_a_compiled_graph(tmp_path):
    # the same passes as ug.jit: the graph holds the ops ug.jit's graph of the source model holds
    x = models.example("lenet", 3)
    net = ug.onnx.load(exported("lenet", tmp_path))
    jitted = ug.jit(models.build("lenet"))
    jitted(x)
    imported_ops = {n.op.name for n in net.graph_for(x).nodes}
    assert imported_ops == {n.op.name for n in jitted.graph_for(x).nodes}
    assert "im2col" in imported_ops and "linear" in imported_ops


def test_to_module_has_parameters_and_buffers_as_the_source(tmp_path):
    source = models.build("resnet")
    module = ug.onnx.to_module(exported("resnet", tmp_path))
    n_params = sum(p.numel() for p in module.parameters())
    # the exporter folds nothing into the weights: same parameter count as the source model
    assert n_params == sum(p.numel() for p in source.parameters())
    bn_buffers = [n for n in module.onnx_names.values() if "running" in n]
    assert len(bn_buffers) == 2 * 5 and all(n in dict(module.named_buffers()) or True for n in bn_buffers)
    assert {a for a, _ in module.named_buffers()} == {a for a, n in module.onnx_names.items() if "running" in n}


def test_train_mode_uses_batch_statistics_and_updates_the_buffers(tmp_path):
    source = models.build("resnet")
    module = ug.onnx.to_module(exported("resnet", tmp_path))
    x = models.example("resnet", 4, seed=7)
    source.train()
    module.train()
    with ug.no_grad():
        want = source(x).numpy()
        got = module(x).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
    names = {n: a for a, n in module.onnx_names.items()}
    buffers = dict(module.named_buffers())
    np.testing.assert_allclose(buffers[names["bn.running_mean"]].numpy(), source.bn.running_mean.numpy(),
                               rtol=1e-5, atol=1e-6)
    module.eval()
    source.eval()
    with ug.no_grad():
        np.testing.assert_allclose(module(x).numpy(), source(x).numpy(), rtol=1e-4, atol=1e-5)


def test_an_imported_model_fine_tunes_and_exports_again(tmp_path):
    """Training the imported LeNet gives the losses training the source LeNet gives, step for step."""
    module = ug.onnx.to_module(exported("lenet", tmp_path))
    source = models.build("lenet")
    rng = np.random.default_rng(0)
    x = ug.tensor(rng.standard_normal((16, 1, 28, 28)).astype(np.float32))
    target = ug.tensor(rng.integers(0, 10, 16))
    curves = []
    for net in (module, source):
        optimizer = ug.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
        net.train()
        losses = []
        for _ in range(8):
            optimizer.zero_grad()
            loss = ug.nn.functional.cross_entropy(net(x), target)
            loss.backward()
            optimizer.step()
            losses.append(float(loss))
        curves.append(losses)
    assert all(b < a for a, b in zip(curves[0], curves[0][1:])) and curves[0][-1] < 0.9 * curves[0][0], curves[0]
    np.testing.assert_allclose(curves[0], curves[1], rtol=1e-4)
    module.eval()
    path = str(tmp_path / "tuned.onnx")
    ug.onnx.export(module, (x[:2],), path, input_names=["x"], dynamic_axes={"x": {0: "batch"}})
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    with ug.no_grad():
        want = module(x).numpy()
    np.testing.assert_allclose(session.run(None, {"x": x.numpy()})[0], want, rtol=1e-4, atol=1e-5)


def test_old_opsets_load_through_their_own_rules():
    # opset 7 Gemm/Relu/Softmax (Softmax's 2-D coercion at axis 1) and an opset-6 BatchNormalization
    rng = np.random.default_rng(0)
    w, bias = rng.standard_normal((4, 3)).astype(np.float32), rng.standard_normal(3).astype(np.float32)
    info = helper.make_tensor_value_info
    nodes = [helper.make_node("Gemm", ["x", "w", "b"], ["h"]), helper.make_node("Relu", ["h"], ["r"]),
             helper.make_node("Softmax", ["r"], ["y"])]
    graph = helper.make_graph(nodes, "g7", [info("x", onnx.TensorProto.FLOAT, [2, 4])],
                              [info("y", onnx.TensorProto.FLOAT, [2, 3])],
                              [onnx.numpy_helper.from_array(w, "w"), onnx.numpy_helper.from_array(bias, "b")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 7)], ir_version=3)
    x = rng.standard_normal((2, 4)).astype(np.float32)
    h = np.maximum(x @ w + bias, 0)
    want = np.exp(h) / np.exp(h).sum(1, keepdims=True)
    np.testing.assert_allclose(ug.onnx.load(model)(x).numpy(), want, rtol=1e-5)
    c = 3
    stats = [helper.make_tensor(n, onnx.TensorProto.FLOAT, [c], v)
             for n, v in [("s", [1., 2., 3.]), ("b", [0., 1., 0.]), ("m", [.5, 0., -.5]), ("v", [1., 4., 2.])]]
    node = helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], epsilon=1e-5, is_test=1)
    graph = helper.make_graph([node], "bn6", [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [2, c, 2])],
                              [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [2, c, 2])], stats)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 6)], ir_version=3)
    data = np.random.default_rng(1).standard_normal((2, c, 2)).astype(np.float32)
    s, b, m, v = (np.array(t.float_data, np.float32)[None, :, None] for t in stats)
    np.testing.assert_allclose(ug.onnx.load(model)(data).numpy(), (data - m) / np.sqrt(v + 1e-5) * s + b, rtol=1e-5)


def test_every_unsupported_node_is_listed_at_once():
    nodes = [helper.make_node("Relu", ["x"], ["a"], name="fine"),
             helper.make_node("NoSuchOp", ["a"], ["b"], name="first_bad"),
             helper.make_node("Frobnicate", ["b"], ["y"], name="second_bad", domain="com.example")]
    info = helper.make_tensor_value_info
    graph = helper.make_graph(nodes, "g", [info("x", onnx.TensorProto.FLOAT, [2])],
                              [info("y", onnx.TensorProto.FLOAT, [2])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.example", 1)])
    with pytest.raises(ug.onnx.UnsupportedOnnxError) as caught:
        ug.onnx.load(model)
    text = str(caught.value)
    assert "2 node(s)" in text and "first_bad (NoSuchOp of ai.onnx, opset 17)" in text
    assert "second_bad (Frobnicate of com.example, opset 1)" in text


def test_external_data_loads_from_beside_the_model_and_its_absence_is_named(tmp_path):
    path = str(tmp_path / "lenet.onnx")
    model = models.build("lenet")
    ug.onnx.export(model, models.example("lenet", 1), path, external_data=True)
    x = models.example("lenet", 1, seed=3)
    with ug.no_grad():
        np.testing.assert_allclose(ug.onnx.load(path)(x).numpy(), model(x).numpy(), rtol=1e-5, atol=1e-6)
    os.remove(path + ".data")
    with pytest.raises(ug.onnx.OnnxImportError, match=r"tensor '.*' keeps its data in the external file "
                                                      r"'lenet.onnx.data', which is not there"):
        ug.onnx.load(path)


def test_old_models_that_list_their_weights_as_inputs_bind_the_data_input():
    """IR 3 models list initializers among the graph inputs, often before the data input."""
    w = np.arange(6, dtype=np.float32).reshape(2, 3)
    info = helper.make_tensor_value_info
    graph = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"])], "g",
                              [info("w", onnx.TensorProto.FLOAT, [2, 3]), info("x", onnx.TensorProto.FLOAT, [4, 2])],
                              [info("y", onnx.TensorProto.FLOAT, [4, 3])], [onnx.numpy_helper.from_array(w, "w")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 9)], ir_version=3)
    net = ug.onnx.load(model)
    assert net.input_names == ["x"]
    x = np.random.default_rng(0).standard_normal((4, 2)).astype(np.float32)
    np.testing.assert_allclose(net(x).numpy(), x @ w, rtol=1e-6)


def test_3d_convolutions_and_pools_match_torch():
    """3-D Conv/ConvTranspose/MaxPool/AveragePool are composed of the 2-D kernels; torch checks
    strides, pads, dilations, groups and output_padding the backend suite does not cover."""
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 4, 5, 6, 7)).astype(np.float32)
    info = helper.make_tensor_value_info

    def run(node, inits=()):
        graph = helper.make_graph([node], "g", [info("x", onnx.TensorProto.FLOAT, x.shape)],
                                  [info("y", onnx.TensorProto.FLOAT, None)], list(inits))
        return ug.onnx.load(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]))(x).numpy()
    tx = torch.from_numpy(x)
    w = rng.standard_normal((6, 2, 2, 3, 2)).astype(np.float32)
    b = rng.standard_normal(6).astype(np.float32)
    inits = [onnx.numpy_helper.from_array(w, "w"), onnx.numpy_helper.from_array(b, "b")]
    conv = helper.make_node("Conv", ["x", "w", "b"], ["y"], strides=[2, 1, 2], pads=[1, 0, 1, 1, 0, 1],
                            dilations=[1, 2, 1], group=2)
    want = F.conv3d(tx, torch.from_numpy(w), torch.from_numpy(b), (2, 1, 2), (1, 0, 1), (1, 2, 1), 2).numpy()
    np.testing.assert_allclose(run(conv, inits), want, rtol=1e-4, atol=1e-5)
    wt = rng.standard_normal((4, 3, 2, 3, 2)).astype(np.float32)
    bt = rng.standard_normal(6).astype(np.float32)
    inits = [onnx.numpy_helper.from_array(wt, "w"), onnx.numpy_helper.from_array(bt, "b")]
    deconv = helper.make_node("ConvTranspose", ["x", "w", "b"], ["y"], strides=[2, 1, 2], pads=[1, 0, 1, 1, 0, 1],
                              dilations=[1, 2, 1], group=2, output_padding=[1, 0, 0])
    want = F.conv_transpose3d(tx, torch.from_numpy(wt), torch.from_numpy(bt), (2, 1, 2), (1, 0, 1), (1, 0, 0), 2,
                              (1, 2, 1)).numpy()
    np.testing.assert_allclose(run(deconv, inits), want, rtol=1e-4, atol=1e-5)
    pool = helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[2, 3, 2], strides=[2, 2, 1], pads=[1, 1, 0, 1, 1, 0])
    np.testing.assert_allclose(run(pool), F.max_pool3d(tx, (2, 3, 2), (2, 2, 1), (1, 1, 0)).numpy(), rtol=1e-6)
    avg = helper.make_node("AveragePool", ["x"], ["y"], kernel_shape=[3, 2, 3], strides=[1, 2, 2],
                           pads=[1, 0, 1, 1, 0, 1], count_include_pad=0, ceil_mode=1)
    want = F.avg_pool3d(tx, (3, 2, 3), (1, 2, 2), (1, 0, 1), ceil_mode=True, count_include_pad=False).numpy()
    np.testing.assert_allclose(run(avg), want, rtol=1e-5, atol=1e-6)
