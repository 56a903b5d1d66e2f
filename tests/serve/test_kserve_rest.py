"""KServe v2 REST, driven with the real `tritonclient.http` and with plain httpx calls shaped like
the Open Inference Protocol's examples; results against the saved graphs' own outputs."""
import gc
import json
import struct

import httpx
import numpy as np
import pytest

from .conftest import make_repo, reference

httpclient = pytest.importorskip("tritonclient.http")
from tritonclient.utils import InferenceServerException  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory, graphs, serve):
    repo = make_repo(tmp_path_factory.mktemp("repo"), {
        "lenet": ({1: graphs["lenet"], 2: graphs["lenet"]},
                  {"version_policy": {"latest": 2}, "max_batch_size": 8,
                   "dynamic_batching": {"max_queue_delay_us": 100}}),
        "two": (graphs["two"], None),
        "fixed": (graphs["fixed"], None),
    })
    return serve(repo)


@pytest.fixture
def client(server):
    c = httpclient.InferenceServerClient(server.rest_url.removeprefix("http://"))
    yield c
    c.close()
    del c
    gc.collect()  # its __del__ joins a gevent pool: collect it here, in the thread that pool belongs to


def test_health_and_metadata_through_tritonclient(client):
    assert client.is_server_live() and client.is_server_ready()
    assert client.is_model_ready("lenet") and client.is_model_ready("lenet", "1")
    assert not client.is_model_ready("lenet", "3")
    server_meta = client.get_server_metadata()
    assert server_meta["name"] == "unigrad" and "binary_tensor_data" in server_meta["extensions"]
    meta = client.get_model_metadata("lenet")
    assert meta["versions"] == ["1", "2"] and meta["platform"] == "unigrad_graph"
    assert meta["inputs"] == [{"name": "input.0", "datatype": "FP32", "shape": [-1, 1, 28, 28]}]
    assert meta["outputs"] == [{"name": "output.0", "datatype": "FP32", "shape": [-1, 10]}]
    config = client.get_model_config("lenet")
    assert config["max_batch_size"] == 8 and config["input"][0]["dims"] == [1, 28, 28]
    assert config["dynamic_batching"]["max_queue_delay_microseconds"] == 100
    fixed = client.get_model_config("fixed")
    assert fixed["max_batch_size"] == 0 and fixed["input"][0]["dims"] == [2, 3]
    index = client.get_model_repository_index()
    assert {(m["name"], m.get("version"), m["state"]) for m in index} == {
        ("lenet", "1", "READY"), ("lenet", "2", "READY"), ("two", "1", "READY"), ("fixed", "1", "READY")}


@pytest.mark.parametrize("binary_in,binary_out", [(True, True), (False, False), (True, False), (False, True)])
def test_infer_binary_and_json_tensors(client, graphs, binary_in, binary_out):
    x = np.random.default_rng(0).standard_normal((3, 1, 28, 28)).astype(np.float32)
    inp = httpclient.InferInput("input.0", list(x.shape), "FP32")
    inp.set_data_from_numpy(x, binary_data=binary_in)
    out = httpclient.InferRequestedOutput("output.0", binary_data=binary_out)
    result = client.infer("lenet", [inp], model_version="2", outputs=[out], request_id="req-7")
    np.testing.assert_allclose(result.as_numpy("output.0"), reference(graphs["lenet"], x), rtol=1e-5, atol=1e-5)
    response = result.get_response()
    assert response["id"] == "req-7" and response["model_version"] == "2"


def test_infer_two_inputs_requested_output_and_gzip(client, graphs):
    a = np.arange(12, dtype=np.float32).reshape(4, 3)
    b = np.full((4, 3), 0.5, np.float32)
    want = reference(graphs["two"], a, b)
    inputs = [httpclient.InferInput("input.0", [4, 3], "FP32"), httpclient.InferInput("input.1", [4, 3], "FP32")]
    inputs[0].set_data_from_numpy(a)
    inputs[1].set_data_from_numpy(b)
    everything = client.infer("two", inputs)  # no outputs named: all of them, binary
    np.testing.assert_allclose(everything.as_numpy("sum"), want["sum"])
    np.testing.assert_allclose(everything.as_numpy("scaled"), want["scaled"])
    only = client.infer("two", inputs, outputs=[httpclient.InferRequestedOutput("scaled")],
                        request_compression_algorithm="gzip")
    assert [o["name"] for o in only.get_response()["outputs"]] == ["scaled"]
    np.testing.assert_allclose(only.as_numpy("scaled"), want["scaled"])


def test_plain_json_request_as_in_the_protocol_docs(server, graphs):
    body = {"id": "42", "inputs": [{"name": "input.0", "shape": [2, 3], "datatype": "FP32",
                                    "data": [[1, 2, 3], [4, 5, 6]]},
                                   {"name": "input.1", "shape": [2, 3], "datatype": "FP32",
                                    "data": [1, 1, 1, 1, 1, 1]}],
            "outputs": [{"name": "sum"}]}
    r = httpx.post(f"{server.rest_url}/v2/models/two/infer", json=body)
    assert r.status_code == 200
    assert r.json() == {"model_name": "two", "model_version": "1", "id": "42",
                        "outputs": [{"name": "sum", "datatype": "FP32", "shape": [2, 3],
                                     "data": [2.0, 3.0, 4.0, 5.0, 6.0, 7.0]}]}
    r = httpx.get(f"{server.rest_url}/v2/health/live")
    assert r.status_code == 200 and r.json() == {"live": True}


def test_binary_extension_by_hand(server, graphs):
    x = np.linspace(-1, 1, 6, dtype=np.float32).reshape(1, 2, 3)[0]
    blob = x.tobytes()
    header = json.dumps({"inputs": [{"name": "input.0", "shape": [2, 3], "datatype": "FP32",
                                     "parameters": {"binary_data_size": len(blob)}}],
                         "outputs": [{"name": "output.0", "parameters": {"binary_data": True}}]}).encode()
    r = httpx.post(f"{server.rest_url}/v2/models/fixed/infer", content=header + blob,
                   headers={"Inference-Header-Content-Length": str(len(header)),
                            "Content-Type": "application/octet-stream"})
    assert r.status_code == 200, r.text
    n = int(r.headers["Inference-Header-Content-Length"])
    head = json.loads(r.content[:n])
    assert head["outputs"][0]["parameters"] == {"binary_data_size": 24}
    got = np.frombuffer(r.content[n:], np.float32).reshape(2, 3)
    np.testing.assert_allclose(got, reference(graphs["fixed"], x))


@pytest.mark.parametrize("body,status,words", [
    ({"inputs": [{"name": "input.0", "shape": [1, 1, 28, 28], "datatype": "FP64", "data": [0.0] * 784}]}, 400,
     "datatype FP64 given, model 'lenet' takes FP32"),
    ({"inputs": [{"name": "input.0", "shape": [1, 1, 28, 28], "datatype": "FP32", "data": [0.0] * 783}]}, 400,
     "holds 784 elements, \"data\" has 783"),
    ({"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": [0.0]}]}, 400, "no input 'x'"),
    ({"inputs": [{"name": "input.0", "shape": [1, 28, 28], "datatype": "FP32", "data": [0.0] * 784}]}, 400,
     "shape [1, 28, 28] given"),
    ({"inputs": [{"name": "input.0", "shape": [9, 1, 28, 28], "datatype": "FP32", "data": [0.0] * 7056}]}, 400,
     "max_batch_size of 8"),
    ({"inputs": [{"name": "input.0", "shape": [1, 1, 28, 28], "datatype": "FP17", "data": []}]}, 400,
     "unknown datatype 'FP17'"),
    ({"inputs": [{"name": "input.0", "shape": [1, 1, 28, 28], "datatype": "FP32"}]}, 400, "neither \"data\""),
    ({"inputs": [{"name": "input.0", "shape": [1, 1, 28, 28], "datatype": "FP32", "data": [0.0] * 784}],
      "outputs": [{"name": "nope"}]}, 400, "no output 'nope'"),
    ({"inputs": []}, 400, "non-empty list"),
])
def test_bad_infer_requests(server, body, status, words):
    r = httpx.post(f"{server.rest_url}/v2/models/lenet/infer", json=body)
    assert r.status_code == status and words in r.json()["error"], r.text


def test_errors_reach_tritonclient_as_exceptions(client):
    x = np.zeros((1, 1, 28, 28), np.float64)
    inp = httpclient.InferInput("input.0", [1, 1, 28, 28], "FP64")
    inp.set_data_from_numpy(x)
    with pytest.raises(InferenceServerException, match="takes FP32") as info:
        client.infer("lenet", [inp])
    assert info.value.status() == "400"
    with pytest.raises(InferenceServerException, match="unknown model 'nope'") as info:
        client.get_model_metadata("nope")
    assert info.value.status() == "404"


def test_malformed_binary_bodies(server):
    url = f"{server.rest_url}/v2/models/fixed/infer"
    header = json.dumps({"inputs": [{"name": "input.0", "shape": [2, 3], "datatype": "FP32",
                                     "parameters": {"binary_data_size": 24}}]}).encode()
    short = httpx.post(url, content=header + b"\0" * 20, headers={"Inference-Header-Content-Length": str(len(header))})
    assert short.status_code == 400 and "runs past the binary part" in short.json()["error"]
    extra = httpx.post(url, content=header + b"\0" * 28, headers={"Inference-Header-Content-Length": str(len(header))})
    assert extra.status_code == 400 and "not claimed" in extra.json()["error"]
    wrong = httpx.post(url, content=header + b"\0" * 24, headers={"Inference-Header-Content-Length": "9999"})
    assert wrong.status_code == 400 and "Inference-Header-Content-Length is 9999" in wrong.json()["error"]


def test_bytes_tensors_round_trip_raw():
    from unigrad.serve.raw_tensors import decode_raw, encode_raw
    items = np.array([b"ab", b"", b"\xff" * 3], dtype=object)
    blob = encode_raw(items)
    assert blob == struct.pack("<I", 2) + b"ab" + struct.pack("<I", 0) + struct.pack("<I", 3) + b"\xff" * 3
    assert list(decode_raw(blob, "BYTES", [3], "t")) == list(items)
    flags = decode_raw(b"\x00\x01", "BOOL", [2], "t")
    assert flags.dtype == np.bool_ and flags.tolist() == [False, True]
