"""Bad input and load: bodies over the limit (413), gzip bombs, clients that disconnect mid-request,
models that fail to load, unknown endpoints, each a clear error while the server keeps serving;
then a bounded load test on loopback."""
import gzip
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import numpy as np
import pytest

from unigrad.serve import loaders

from .conftest import make_repo
from .test_metrics import samples, value
from .test_versions import SlowWarmup, wait_for


@pytest.fixture(scope="module")
def server(tmp_path_factory, graphs, serve):
    repo = tmp_path_factory.mktemp("repo")
    make_repo(repo, {"half": (graphs["half_plus_two"], None), "lenet": (graphs["lenet"], None)})
    broken = repo / "broken" / "1"
    broken.mkdir(parents=True)
    (broken / "model.safetensors").write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00{}garbage")
    (repo / "badconfig" / "1").mkdir(parents=True)
    (repo / "badconfig" / "config.toml").write_text("max_batch_size = 'many'\n")
    return serve(repo, max_body=64 * 1024)


def test_a_model_that_fails_to_load_is_reported_and_the_others_serve(server):
    url = server.rest_url
    assert httpx.post(f"{url}/v1/models/half:predict", json={"instances": [1.0]}).json() == {"predictions": [2.5]}
    status = httpx.get(f"{url}/v1/models/broken").json()["model_version_status"][0]
    assert status["state"] == "END" and "model.safetensors" in status["status"]["error_message"]
    r = httpx.post(f"{url}/v2/models/broken/infer", json={"inputs": []})
    assert r.status_code == 503 and "failed to load" in r.json()["error"]
    r = httpx.post(f"{url}/v1/models/badconfig:predict", json={"instances": [1.0]})
    assert r.status_code == 503 and "max_batch_size must be an integer" in r.json()["error"]
    assert httpx.get(f"{url}/v2/health/ready").status_code == 400  # strict readiness, as Triton's
    assert httpx.get(f"{url}/v2/models/half/ready").status_code == 200
    index = {(m["name"], m.get("version")): m for m in httpx.post(f"{url}/v2/repository/index").json()}
    assert index[("broken", "1")]["state"] == "UNAVAILABLE" and index[("half", "1")]["state"] == "READY"
    assert "max_batch_size" in index[("badconfig", None)]["reason"]


def test_bodies_over_the_limit_get_413_and_the_server_keeps_serving(server):
    url = server.rest_url
    big = {"instances": np.zeros(20000).tolist()}  # ~80 kB of JSON, the limit is 64 kB
    for path in ("/v1/models/half:predict", "/v2/models/half/infer"):
        r = httpx.post(url + path, json=big)
        assert r.status_code == 413 and "at most 65536" in r.json()["error"]
    bomb = gzip.compress(b'{"instances": [' + b"0.0," * 100000 + b"0.0]}")  # 400 kB inflated, 1 kB sent
    r = httpx.post(f"{url}/v1/models/half:predict", content=bomb, headers={"Content-Encoding": "gzip"})
    assert r.status_code == 413 and "inflates to over" in r.json()["error"]
    r = httpx.post(f"{url}/v1/models/half:predict", content=b"\x1f\x8bnot gzip", headers={"Content-Encoding": "gzip"})
    assert r.status_code == 400 and "corrupt" in r.json()["error"]
    r = httpx.post(f"{url}/v1/models/half:predict", content=b"{}", headers={"Content-Encoding": "br"})
    assert r.status_code == 400 and "not supported" in r.json()["error"]
    chunked = httpx.post(f"{url}/v1/models/half:predict", content=iter([b'{"instances": [', b"0.0," * 20000, b"0]}"]))
    assert chunked.status_code == 413  # no Content-Length: counted while reading
    assert httpx.post(f"{url}/v1/models/half:predict", json={"instances": [1.0]}).status_code == 200


def test_unknown_endpoints_answer_in_the_error_form(server):
    r = httpx.get(f"{server.rest_url}/v2/nothing/here")
    assert r.status_code == 404 and "no such endpoint" in r.json()["error"]
    r = httpx.get(f"{server.rest_url}/v1/models/half/versions/1/labels/x")
    assert r.status_code == 404 and "no such endpoint" in r.json()["error"]
    r = httpx.delete(f"{server.rest_url}/v2/models/half/infer")
    assert r.status_code == 405


def _raw_post(port, path, body, send_all=True):
    s = socket.create_connection(("127.0.0.1", port))
    head = f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    s.sendall(head.encode() + (body if send_all else body[: len(body) // 2]))
    return s


def test_clients_that_disconnect_mid_request(tmp_path, graphs, serve):
    loader = loaders.Loader("slow_test", (".safetensors",), SlowWarmup)
    loaders.LOADERS.insert(0, loader)
    SlowWarmup.gate.set()
    try:
        repo = make_repo(tmp_path, {"slow": (graphs["half_plus_two"], {"platform": "slow_test", "max_batch_size": 1,
                                                                     "dynamic_batching": False})})
        server = serve(repo)
        url, port = server.rest_url, server.rest_port
        v = {"model": "slow", "version": "1"}
        SlowWarmup.gate.clear()  # the model now holds its first request
        holder = threading.Thread(target=httpx.post, args=(f"{url}/v1/models/slow:predict",),
                                  kwargs={"json": {"instances": [1.0]}, "timeout": 30})
        holder.start()
        wait_for(lambda: value(samples(url), "unigrad_inference_requests_in_flight", **v) == 1, what="the holder")
        body = b'{"instances": [3.0]}'
        gone = [_raw_post(port, "/v1/models/slow:predict", body) for _ in range(3)]
        wait_for(lambda: value(samples(url), "unigrad_inference_pending_request_count", **v) == 3,
                 what="3 queued requests")
        for s in gone:
            s.close()  # these clients leave while their requests wait in the queue
        wait_for(lambda: value(samples(url), "unigrad_inference_request_failure_total", reason="CANCELLED", **v) == 3,
                 what="3 cancelled requests")
        half = _raw_post(port, "/v1/models/slow:predict", body, send_all=False)  # leaves mid-body
        half.close()
        SlowWarmup.gate.set()
        holder.join()
        found = samples(url)
        assert value(found, "unigrad_inference_request_success_total", **v) == 1
        assert value(found, "unigrad_inference_exec_count_total", **v) == 1  # the abandoned requests never ran
        assert httpx.post(f"{url}/v1/models/slow:predict", json={"instances": [1.0]}).json() == {"predictions": [2.5]}
    finally:
        SlowWarmup.gate.set()
        loaders.LOADERS.remove(loader)


def test_bounded_load_on_loopback(server):
    """2,000 requests from 16 concurrent clients (mixed valid and invalid): every valid one answers right."""
    url = server.rest_url
    local = threading.local()

    def call(i):
        if not hasattr(local, "client"):
            local.client = httpx.Client(timeout=30)
        if i % 10 == 9:
            r = local.client.post(f"{url}/v1/models/half:predict", json={"instances": [[1.0, 2.0]]})
            return r.status_code == 400
        r = local.client.post(f"{url}/v1/models/half:predict", json={"instances": [float(i), 1.0]})
        return r.status_code == 200 and r.json() == {"predictions": [i * 0.5 + 2.0, 2.5]}
    start = time.perf_counter()
    with ThreadPoolExecutor(16) as pool:
        ok = list(pool.map(call, range(2000)))
    assert all(ok) and time.perf_counter() - start < 120
    found = samples(url)
    assert value(found, "unigrad_inference_request_success_total", model="half", version="1") >= 1800
