"""`unigrad convert`: a Caffe deploy net with its caffemodel to ONNX (run by onnxruntime, matching
caffe.Net's TEST outputs at two batch sizes from one file), an ONNX model to a saved graph and
that graph back to ONNX."""
import os

import numpy as np
import pytest

import unigrad as ug
import unigrad.onnx  # noqa: F401
from unigrad.cli import main

ort = pytest.importorskip("onnxruntime")
caffe = pytest.importorskip("unigrad.caffe")

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures", "caffe")
WEIGHTS = os.path.join(FIXTURES, "lenet_iter_10000.caffemodel")
DEPLOY = """name: "LeNet"
layer { name: "data" type: "Input" top: "data" input_param { shape: { dim: 64 dim: 1 dim: 28 dim: 28 } } }
layer { name: "conv1" type: "Convolution" bottom: "data" top: "conv1" convolution_param { num_output: 20 kernel_size: 5 } }
layer { name: "pool1" type: "Pooling" bottom: "conv1" top: "pool1" pooling_param { pool: MAX kernel_size: 2 stride: 2 } }
layer { name: "conv2" type: "Convolution" bottom: "pool1" top: "conv2" convolution_param { num_output: 50 kernel_size: 5 } }
layer { name: "pool2" type: "Pooling" bottom: "conv2" top: "pool2" pooling_param { pool: MAX kernel_size: 2 stride: 2 } }
layer { name: "ip1" type: "InnerProduct" bottom: "pool2" top: "ip1" inner_product_param { num_output: 500 } }
layer { name: "relu1" type: "ReLU" bottom: "ip1" top: "ip1" }
layer { name: "ip2" type: "InnerProduct" bottom: "ip1" top: "ip2" inner_product_param { num_output: 10 } }
layer { name: "prob" type: "Softmax" bottom: "ip2" top: "prob" }
"""


@pytest.fixture
def deploy(tmp_path):
    path = tmp_path / "deploy.prototxt"
    path.write_text(DEPLOY)
    return str(path)


def test_a_caffe_net_converts_to_onnx_and_runs_in_onnxruntime(deploy, tmp_path, capsys):
    out = str(tmp_path / "lenet.onnx")
    assert main(["convert", deploy, "--weights", WEIGHTS, "--to", "onnx", "-o", out]) == 0
    session = ort.InferenceSession(out, providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["data"] and session.get_inputs()[0].shape[0] == "batch"
    net = caffe.Net(deploy, WEIGHTS, caffe.TEST)
    rng = np.random.default_rng(0)
    for batch in (64, 3):
        x = rng.random((batch, 1, 28, 28), dtype=np.float32)
        net.blobs["data"].reshape(*x.shape)
        net.blobs["data"].data[...] = x
        want = net.forward()["prob"]
        got, = session.run(None, {"data": x})
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(ug.onnx.load(out)(x).numpy(), want, rtol=1e-5, atol=1e-6)


def test_onnx_to_a_saved_graph_and_back(deploy, tmp_path):
    fixed = str(tmp_path / "fixed.onnx")
    assert main(["convert", deploy, "--weights", WEIGHTS, "--to", "onnx", "--static-batch", "-o", fixed]) == 0
    graph = str(tmp_path / "lenet.safetensors")
    assert main(["convert", fixed, "--to", "graph", "-o", graph]) == 0
    x = np.random.default_rng(1).random((64, 1, 28, 28), dtype=np.float32)
    want = ort.InferenceSession(fixed, providers=["CPUExecutionProvider"]).run(None, {"data": x})[0]
    np.testing.assert_allclose(ug.jit.load(graph)(ug.tensor(x)).numpy(), want, rtol=1e-5, atol=1e-6)
    again = str(tmp_path / "again.onnx")
    assert main(["convert", graph, "--to", "onnx", "-o", again]) == 0
    session = ort.InferenceSession(again, providers=["CPUExecutionProvider"])
    got = session.run(None, {session.get_inputs()[0].name: x})[0]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_convert_names_what_is_missing(deploy, tmp_path, capsys):
    assert main(["convert", deploy, "--to", "onnx"]) == 1
    assert "give its weights with --weights" in capsys.readouterr().err
    assert main(["convert", str(tmp_path / "none.prototxt"), "--to", "onnx"]) == 1
    assert "does not exist" in capsys.readouterr().err
