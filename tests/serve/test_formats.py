"""Model formats in the repository: a Caffe deploy prototxt + .caffemodel (Caffe's LeNet snapshot,
checked against the same arithmetic in PyTorch with the snapshot's weights), and ONNX files
(checked against onnxruntime on the same file)."""
import concurrent.futures
import os
import shutil
import sys

import numpy as np
import pytest
import requests
import torch

import unigrad as ug
from unigrad.serve.config import parse_config
from unigrad.serve.errors import ModelLoadError
from unigrad.serve.loaders import choose

from .conftest import make_repo

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")
DEPLOY = os.path.join(FIXTURES, "serve", "caffe_lenet", "deploy.prototxt")
WEIGHTS = os.path.join(FIXTURES, "caffe", "lenet_iter_10000.caffemodel")
ONNX = os.path.join(FIXTURES, "serve", "mnist_mlp", "1", "model.onnx")  # the web page's MLP, exported


def caffe_version(folder, prototxt=True):
    os.makedirs(folder)
    if prototxt:
        shutil.copy(DEPLOY, os.path.join(folder, "deploy.prototxt"))
    shutil.copy(WEIGHTS, os.path.join(folder, "lenet_iter_10000.caffemodel"))


def torch_lenet(x):
    """Caffe's LeNet deploy net in PyTorch, weights read from the snapshot by the Caffe front door."""
    from unigrad import caffe
    net = caffe.Net(DEPLOY, weights=WEIGHTS, phase=caffe.TEST)
    w = {name: [torch.from_numpy(np.array(b.data)) for b in blobs] for name, blobs in net.params.items()}
    t = torch.from_numpy(x)
    t = torch.nn.functional.max_pool2d(torch.nn.functional.conv2d(t, *w["conv1"]), 2, 2)
    t = torch.nn.functional.max_pool2d(torch.nn.functional.conv2d(t, *w["conv2"]), 2, 2)
    t = torch.relu(torch.nn.functional.linear(t.flatten(1), *w["ip1"]))
    return torch.softmax(torch.nn.functional.linear(t, *w["ip2"]), 1).numpy()


@pytest.fixture(scope="module")
def mnist():
    test = ug.data.MNIST(ug.data.mnist.SUBSET_DIR, train=False, normalize=False)
    pixels = np.rint(test.data[:256].numpy() * 255)  # (unnormalised data is pixel / 255)
    return (pixels / 256).astype(np.float32), test.targets[:256].numpy()  # Caffe's LeNet scale: 1/256


@pytest.fixture(scope="module")
def server(tmp_path_factory, serve, graphs):
    root = tmp_path_factory.mktemp("repo")
    caffe_version(str(root / "lenet_caffe" / "1"))
    caffe_version(str(root / "no_prototxt" / "1"), prototxt=False)
    os.makedirs(root / "mnist_onnx" / "1")
    shutil.copy(ONNX, root / "mnist_onnx" / "1" / "model.onnx")
    os.makedirs(root / "broken_onnx" / "1")
    (root / "broken_onnx" / "1" / "model.onnx").write_bytes(b"not an onnx file")
    make_repo(root, {"half_plus_two": (graphs["half_plus_two"], None)})
    return serve(root)


def test_a_caffe_net_serves_with_a_free_batch_axis(server, mnist):
    url = f"{server.rest_url}/v2/models/lenet_caffe"
    meta = requests.get(url).json()
    assert meta["platform"] == "caffe" and meta["versions"] == ["1"]
    assert meta["inputs"] == [{"name": "data", "datatype": "FP32", "shape": [-1, 1, 28, 28]}]
    assert meta["outputs"] == [{"name": "prob", "datatype": "FP32", "shape": [-1, 10]}]
    images, labels = mnist
    r = requests.post(f"{server.rest_url}/v1/models/lenet_caffe:predict", json={"inputs": images[:32].tolist()})
    assert r.status_code == 200, r.text
    np.testing.assert_allclose(r.json()["outputs"], torch_lenet(images[:32]), rtol=1e-4, atol=1e-6)


def test_concurrent_caffe_requests_of_mixed_sizes_get_their_own_rows(server, mnist):
    images, labels = mnist
    expected = torch_lenet(images)
    cuts = np.cumsum([0] + [1, 5, 2, 16, 3, 7, 1, 9, 4, 12, 6, 2] * 3)
    assert cuts[-1] <= len(images)

    def infer(i):
        x = images[cuts[i]:cuts[i + 1]]
        body = {"inputs": [{"name": "data", "datatype": "FP32", "shape": list(x.shape), "data": x.ravel().tolist()}]}
        out = requests.post(f"{server.rest_url}/v2/models/lenet_caffe/infer", json=body).json()["outputs"][0]
        return i, np.array(out["data"], np.float32).reshape(out["shape"])
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        for i, probs in pool.map(infer, range(len(cuts) - 1)):
            np.testing.assert_allclose(probs, expected[cuts[i]:cuts[i + 1]], rtol=1e-4, atol=1e-6)
    predicted = expected[:cuts[-1]].argmax(1)
    assert (predicted == labels[:cuts[-1]]).mean() > 0.97  # the snapshot is Caffe's trained LeNet


def test_an_onnx_model_serves_batched_and_matches_onnxruntime(server, mnist):
    import onnxruntime
    meta = requests.get(f"{server.rest_url}/v2/models/mnist_onnx").json()
    assert meta["platform"] == "onnx_onnxv1"
    assert meta["inputs"] == [{"name": "image", "datatype": "FP32", "shape": [-1, 1, 28, 28]}]
    assert meta["outputs"] == [{"name": "logits", "datatype": "FP32", "shape": [-1, 10]}]
    images, _ = mnist
    images = (images * 256 / 255 - 0.1307) / 0.3081  # the MLP's MNIST normalisation
    expected = onnxruntime.InferenceSession(ONNX, providers=["CPUExecutionProvider"]).run(None, {"image": images})[0]
    cuts = np.cumsum([0] + [3, 1, 8, 2, 5, 1, 4, 7] * 2)

    def infer(i):
        x = images[cuts[i]:cuts[i + 1]]
        r = requests.post(f"{server.rest_url}/v1/models/mnist_onnx:predict", json={"instances": x.tolist()})
        return i, np.array(r.json()["predictions"], np.float32)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        for i, logits in pool.map(infer, range(len(cuts) - 1)):
            np.testing.assert_allclose(logits, expected[cuts[i]:cuts[i + 1]], rtol=1e-4, atol=1e-5)
    runner = server.manager.models["mnist_onnx"].latest().served.runner
    assert runner.batch_axis and server.manager.models["mnist_onnx"].latest().served.max_batch_size > 1


def test_models_that_fail_to_load_are_reported_and_the_others_serve(server):
    status = requests.get(f"{server.rest_url}/v1/models/broken_onnx").json()["model_version_status"][0]
    assert status["state"] == "END" and "model.onnx" in status["status"]["error_message"]
    assert "is not an ONNX model, or it is truncated" in status["status"]["error_message"]
    status = requests.get(f"{server.rest_url}/v1/models/no_prototxt").json()["model_version_status"][0]
    assert status["state"] == "END" and "put the deploy prototxt" in status["status"]["error_message"]
    assert requests.get(f"{server.rest_url}/v2/models/broken_onnx/ready").status_code == 400
    r = requests.post(f"{server.rest_url}/v1/models/half_plus_two:predict", json={"instances": [1.0, 2.0]})
    assert r.json() == {"predictions": [2.5, 3.0]}


def test_a_saved_graph_beside_model_onnx_is_what_serves(tmp_path, graphs):
    version = tmp_path / "1"
    version.mkdir()
    shutil.copy(graphs["lenet"], version / "model.safetensors")
    (version / "model.onnx").write_bytes(b"")
    loader, path = choose(str(version), parse_config({}))
    assert loader.platform == "unigrad_graph" and path.endswith("model.safetensors")


def test_a_train_test_prototxt_is_refused_with_what_to_serve(tmp_path):
    version = tmp_path / "1"
    version.mkdir()
    shutil.copy(os.path.join(FIXTURES, "caffe", "lenet_train_test.prototxt"), version)
    shutil.copy(WEIGHTS, version)
    loader, path = choose(str(version), parse_config({}))
    with pytest.raises(ModelLoadError, match=r"lenet_train_test.prototxt: a training net \(data layers 'mnist' "
                                             r"\(Data\).*serve its deploy prototxt"):
        loader.load(path, "cpu")


def test_a_missing_extra_is_named(tmp_path, monkeypatch):
    version = tmp_path / "1"
    version.mkdir()
    shutil.copy(ONNX, version)
    loader, path = choose(str(version), parse_config({}))
    monkeypatch.setitem(sys.modules, "unigrad.onnx", None)  # as if the onnx extra were not installed
    monkeypatch.delattr(ug, "onnx", raising=False)
    with pytest.raises(ModelLoadError, match=r"model.onnx: serving ONNX files needs the onnx package .*"
                                             r"pip install 'unigrad\[onnx\]'"):
        loader.load(path, "cpu")
