"""TF Serving's REST API, driven with plain `requests` calls shaped like TF Serving's documented
examples (half_plus_two), against the saved graphs' own outputs."""
import base64
import io

import numpy as np
import pytest
import requests

from .conftest import make_repo, reference


@pytest.fixture(scope="module")
def server(tmp_path_factory, graphs, serve):
    repo = make_repo(tmp_path_factory.mktemp("repo"), {
        "half_plus_two": (graphs["half_plus_two"], None),
        "lenet": ({1: graphs["lenet"], 2: graphs["lenet"]},
                  {"version_policy": {"all": True}, "version_labels": {"stable": 1, "canary": 2},
                   "inputs": [{"name": "image", "image": {"channels": 1, "height": 28, "width": 28,
                                                          "mean": 0.5, "std": 0.25}}],
                   "outputs": [{"name": "scores", "labels": [f"digit {d}" for d in range(10)]}]}),
        "two": (graphs["two"], None),
    })
    return serve(repo)


def test_documented_half_plus_two_row_and_columnar(server):
    # TF Serving's REST guide: curl -d '{"instances": [1.0, 2.0, 5.0]}' .../v1/models/half_plus_two:predict
    r = requests.post(f"{server.rest_url}/v1/models/half_plus_two:predict", json={"instances": [1.0, 2.0, 5.0]})
    assert r.status_code == 200 and r.json() == {"predictions": [2.5, 3.0, 4.5]}
    r = requests.post(f"{server.rest_url}/v1/models/half_plus_two/versions/1:predict",
                      json={"signature_name": "serving_default", "inputs": [1.0, 2.0, 5.0]})
    assert r.json() == {"outputs": [2.5, 3.0, 4.5]}


def test_status_and_metadata(server):
    r = requests.get(f"{server.rest_url}/v1/models/half_plus_two")
    assert r.json() == {"model_version_status": [{"version": "1", "state": "AVAILABLE",
                                                  "status": {"error_code": "OK", "error_message": ""}}]}
    both = requests.get(f"{server.rest_url}/v1/models/lenet").json()["model_version_status"]
    assert [s["version"] for s in both] == ["1", "2"]
    assert requests.get(f"{server.rest_url}/v1/models/lenet/labels/stable").json()["model_version_status"][0][
        "version"] == "1"
    meta = requests.get(f"{server.rest_url}/v1/models/lenet/versions/2/metadata").json()
    assert meta["model_spec"] == {"name": "lenet", "signature_name": "", "version": "2"}
    sig = meta["metadata"]["signature_def"]["signature_def"]["serving_default"]
    assert sig["inputs"]["image"]["dtype"] == "DT_FLOAT"
    assert [d["size"] for d in sig["inputs"]["image"]["tensor_shape"]["dim"]] == ["-1", "1", "28", "28"]
    assert [d["size"] for d in sig["outputs"]["scores"]["tensor_shape"]["dim"]] == ["-1", "10"]
    assert requests.get(f"{server.rest_url}/v1/models").json() == {"models": ["half_plus_two", "lenet", "two"]}


def test_lenet_predict_matches_the_graph(server, graphs):
    x = np.random.default_rng(0).standard_normal((3, 1, 28, 28)).astype(np.float32)
    want = reference(graphs["lenet"], x)
    r = requests.post(f"{server.rest_url}/v1/models/lenet/labels/canary:predict", json={"instances": x.tolist()})
    assert r.status_code == 200
    np.testing.assert_allclose(np.array(r.json()["predictions"]), want, rtol=1e-5, atol=1e-5)
    r = requests.post(f"{server.rest_url}/v1/models/lenet:predict", json={"inputs": {"image": x.tolist()}})
    np.testing.assert_allclose(np.array(r.json()["outputs"]), want, rtol=1e-5, atol=1e-5)


def test_named_inputs_and_outputs_in_both_formats(server, graphs):
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    b = np.ones((2, 3), np.float32)
    want = reference(graphs["two"], a, b)
    rows = requests.post(f"{server.rest_url}/v1/models/two:predict",
                         json={"instances": [{"input.0": a[i].tolist(), "input.1": b[i].tolist()} for i in range(2)]})
    preds = rows.json()["predictions"]
    assert [sorted(p) for p in preds] == [["scaled", "sum"]] * 2
    np.testing.assert_allclose([p["sum"] for p in preds], want["sum"])
    np.testing.assert_allclose([p["scaled"] for p in preds], want["scaled"])
    cols = requests.post(f"{server.rest_url}/v1/models/two:predict",
                         json={"inputs": {"input.0": a.tolist(), "input.1": b.tolist()}}).json()["outputs"]
    np.testing.assert_allclose(cols["sum"], want["sum"])
    np.testing.assert_allclose(cols["scaled"], want["scaled"])


def _png(pixels):
    from PIL import Image
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


def test_b64_images_are_decoded_with_the_configured_preprocessing(server, graphs):
    pixels = np.random.default_rng(1).integers(0, 256, (2, 28, 28), dtype=np.uint8)
    x = ((pixels.astype(np.float32) / 255 - 0.5) / 0.25)[:, None]
    want = reference(graphs["lenet"], x)
    r = requests.post(f"{server.rest_url}/v1/models/lenet:predict",
                      json={"instances": [{"b64": _png(p)} for p in pixels]})
    assert r.status_code == 200, r.text
    np.testing.assert_allclose(np.array(r.json()["predictions"]), want, rtol=1e-4, atol=1e-4)
    keyed = requests.post(f"{server.rest_url}/v1/models/lenet:predict",
                          json={"instances": [{"image": {"b64": _png(p)}} for p in pixels]})
    np.testing.assert_allclose(np.array(keyed.json()["predictions"]), want, rtol=1e-4, atol=1e-4)


def test_classify_and_regress(server, graphs):
    x = np.random.default_rng(2).standard_normal((2, 1, 28, 28)).astype(np.float32)
    want = reference(graphs["lenet"], x)
    r = requests.post(f"{server.rest_url}/v1/models/lenet:classify",
                      json={"examples": [{"image": x[0].tolist()}, {"image": x[1].tolist()}]})
    result = r.json()["result"]
    assert [pair[0] for pair in result[0]] == [f"digit {d}" for d in range(10)]
    np.testing.assert_allclose([[s for _, s in row] for row in result], want, rtol=1e-5, atol=1e-5)
    r = requests.post(f"{server.rest_url}/v1/models/half_plus_two:regress",
                      json={"examples": [{"input.0": 1.0}, {"input.0": 3.0}]})
    assert r.json() == {"result": [2.5, 3.5]}
    r = requests.post(f"{server.rest_url}/v1/models/lenet:regress", json={"examples": [{"image": x[0].tolist()}]})
    assert r.status_code == 400 and "one value per example" in r.json()["error"]


@pytest.mark.parametrize("path,body,status,words", [
    ("/v1/models/nope:predict", {"instances": [1.0]}, 404, "unknown model 'nope'"),
    ("/v1/models/half_plus_two/versions/7:predict", {"instances": [1.0]}, 404, "no version 7"),
    ("/v1/models/half_plus_two/versions/abc:predict", {"instances": [1.0]}, 400, "Failed to convert version"),
    ("/v1/models/lenet/labels/gold:predict", {"instances": [1.0]}, 404, "no version label 'gold'"),
    ("/v1/models/half_plus_two:predict", {"instances": [1.0], "inputs": [1.0]}, 400, "exactly one of"),
    ("/v1/models/half_plus_two:predict", {"instances": [[1.0, 2.0]]}, 400, "shape [1, 2] given"),
    ("/v1/models/half_plus_two:predict", {"instances": [[1.0], [2.0, 3.0]]}, 400, "ragged"),
    ("/v1/models/half_plus_two:predict", {"instances": ["a"]}, 400, "strings given"),
    ("/v1/models/half_plus_two:predict", {"instances": [1.0], "signature_name": "x"}, 400, "signature"),
    ("/v1/models/half_plus_two:predict", {"instances": [{"b64": "AAAA"}]}, 400, "b64"),
    ("/v1/models/two:predict", {"instances": [{"input.0": [1, 2, 3]}]}, 400, "needs input 'input.1'"),
    ("/v1/models/two:predict", {"inputs": {"input.0": [[1, 2, 3]], "input.1": [[1, 2, 3]], "z": [1]}}, 400,
     "no input 'z'"),
    ("/v1/models/two:predict", {"inputs": {"input.0": [[1, 2, 3]], "input.1": [[1, 2, 3], [4, 5, 6]]}}, 400,
     "share their batch size"),
    ("/v1/models/lenet:predict", {"instances": np.zeros((33, 1, 28, 28)).tolist()}, 400, "max_batch_size of 32"),
])
def test_bad_requests_get_tf_serving_errors(server, path, body, status, words):
    r = requests.post(server.rest_url + path, json=body)
    assert r.status_code == status, r.text
    assert words in r.json()["error"]


def test_malformed_json_and_methods(server):
    r = requests.post(f"{server.rest_url}/v1/models/half_plus_two:predict", data=b'{"instances": [1.0,')
    assert r.status_code == 400 and r.json()["error"].startswith("JSON Parse error")
    r = requests.get(f"{server.rest_url}/v1/models/half_plus_two:predict")
    assert r.status_code == 405
    r = requests.post(f"{server.rest_url}/v1/models/half_plus_two:predict", data=b"[1, 2]")
    assert r.status_code == 400 and "JSON object" in r.json()["error"]
    # TF Serving accepts (and emits) NaN / Infinity
    r = requests.post(f"{server.rest_url}/v1/models/half_plus_two:predict", data=b'{"instances": [NaN, Infinity]}')
    assert r.status_code == 200 and r.text.replace(" ", "") == '{"predictions":[NaN,Infinity]}'
