"""Versions and readiness: new version folders are picked up while serving, the version policy
decides what serves, a new version warms up before the old one unloads, no request fails during
a swap, and a model is not ready until its warm-up ran."""
import os
import shutil
import threading
import time

import httpx
import numpy as np
import pytest

from unigrad.serve import loaders
from unigrad.serve.loaders.unigrad_graph import GraphRunner

from .conftest import make_repo


def wait_for(predicate, timeout=30.0, what="the condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def add_version(repo, name, version, graph):
    """Copy a graph into a new version folder the way a deployment would: write aside, then rename."""
    staging = os.path.join(repo, name, f".staging-{version}")
    os.makedirs(staging)
    shutil.copy(graph, os.path.join(staging, "model.safetensors"))
    os.rename(staging, os.path.join(repo, name, str(version)))


def versions_of(url, name):
    r = httpx.get(f"{url}/v1/models/{name}")
    return {s["version"]: s["state"] for s in r.json().get("model_version_status", [])}


def infer_version(url, name, x):
    body = {"inputs": [{"name": "input.0", "shape": list(x.shape), "datatype": "FP32", "data": x.reshape(-1).tolist()}]}
    r = httpx.post(f"{url}/v2/models/{name}/infer", json=body, timeout=30)
    return r.status_code, r.json()


def test_a_new_version_is_picked_up_and_replaces_the_old_without_failed_requests(tmp_path, graphs, serve):
    repo = make_repo(tmp_path, {"half": (graphs["half_plus_two"], None)})
    server = serve(repo, poll_interval=0.1)
    url = server.rest_url
    assert versions_of(url, "half") == {"1": "AVAILABLE"}
    failures, answers, stop = [], [[] for _ in range(4)], threading.Event()

    def hammer(seen):
        with httpx.Client(timeout=30) as c:
            while not stop.is_set():
                r = c.post(f"{url}/v2/models/half/infer", json={"inputs": [
                    {"name": "input.0", "shape": [2], "datatype": "FP32", "data": [1.0, 2.0]}]})
                if r.status_code != 200:
                    failures.append(r.text)
                else:
                    seen.append(r.json()["model_version"])
    clients = [threading.Thread(target=hammer, args=(seen,)) for seen in answers]
    for t in clients:
        t.start()
    try:
        wait_for(lambda: all(answers), what="every client's first answer")
        add_version(repo, "half", 2, graphs["half_plus_two"])
        wait_for(lambda: versions_of(url, "half") == {"2": "AVAILABLE"}, what="version 2 to replace version 1")
        time.sleep(0.3)
    finally:
        stop.set()
        for t in clients:
            t.join()
    assert failures == []
    for seen in answers:  # each client: version 1, then version 2 from its first answer from it on
        assert seen[0] == "1" and seen[-1] == "2" and "1" not in seen[seen.index("2"):]
    r = httpx.post(f"{url}/v1/models/half/versions/1:predict", json={"instances": [1.0]})
    assert r.status_code == 404 and "no version 1" in r.json()["error"]


def test_changed_files_of_a_serving_version_reload_in_place(tmp_path, graphs, serve):
    repo = make_repo(tmp_path, {"m": (graphs["half_plus_two"], None)})
    server = serve(repo, poll_interval=0.1)
    assert infer_version(server.rest_url, "m", np.array([2.0], np.float32))[1]["outputs"][0]["data"] == [3.0]
    first = server.manager.models["m"].versions[1]
    path = os.path.join(repo, "m", "1", "model.safetensors")
    shutil.copy(graphs["two"], path + ".new")  # a different model under the same version number
    os.replace(path + ".new", path)
    wait_for(lambda: server.manager.models["m"].versions[1] is not first, what="version 1 to reload")
    meta = httpx.get(f"{server.rest_url}/v2/models/m").json()
    assert [i["name"] for i in meta["inputs"]] == ["input.0", "input.1"]
    assert first.state == "END"


def test_version_policies_and_labels(tmp_path, graphs, serve):
    repo = make_repo(tmp_path, {
        "latest2": ({1: graphs["half_plus_two"], 2: graphs["half_plus_two"], 3: graphs["half_plus_two"]},
                    {"version_policy": {"latest": 2}}),
        "pinned": ({1: graphs["half_plus_two"], 2: graphs["half_plus_two"], 3: graphs["half_plus_two"]},
                   {"version_policy": {"specific": [1, 3]}, "version_labels": {"stable": 1}}),
    })
    server = serve(repo)
    assert versions_of(server.rest_url, "latest2") == {"2": "AVAILABLE", "3": "AVAILABLE"}
    assert versions_of(server.rest_url, "pinned") == {"1": "AVAILABLE", "3": "AVAILABLE"}
    assert infer_version(server.rest_url, "pinned", np.ones(1, np.float32))[1]["model_version"] == "3"
    r = httpx.post(f"{server.rest_url}/v1/models/pinned/labels/stable:predict", json={"instances": [4.0]})
    assert r.json() == {"predictions": [4.0]}


class SlowWarmup(GraphRunner):
    """A graph whose runs wait for a gate: the test holds it while checking readiness."""
    gate = threading.Event()
    platform = "slow_test"

    def run(self, arrays):
        assert self.gate.wait(30)
        return super().run(arrays)


@pytest.fixture
def slow_loader():
    loader = loaders.Loader("slow_test", (".safetensors",), SlowWarmup)
    loaders.LOADERS.insert(0, loader)
    SlowWarmup.gate.clear()
    yield
    SlowWarmup.gate.set()
    loaders.LOADERS.remove(loader)


def test_not_ready_until_warm_up_ran(tmp_path, graphs, slow_loader):
    from unigrad.serve.server import Server
    repo = make_repo(tmp_path, {"slow": (graphs["half_plus_two"], {"platform": "slow_test"})})
    server = Server(repo, port=0, grpc_port=None, poll_interval=0).start()
    try:
        url = server.rest_url
        wait_for(lambda: versions_of(url, "slow") == {"1": "LOADING"}, what="the LOADING state")
        assert httpx.get(f"{url}/v2/health/live").status_code == 200
        assert httpx.get(f"{url}/v2/health/ready").status_code == 400
        assert httpx.get(f"{url}/v2/models/slow/ready").json() == {"name": "slow", "ready": False}
        r = httpx.post(f"{url}/v1/models/slow:predict", json={"instances": [1.0]})
        assert r.status_code == 503 and "not ready" in r.json()["error"]
        SlowWarmup.gate.set()  # warm-up runs now
        assert server.wait_until_loaded(30)
        assert httpx.get(f"{url}/v2/health/ready").status_code == 200
        assert httpx.get(f"{url}/v2/models/slow/ready").json() == {"name": "slow", "ready": True}
        assert httpx.post(f"{url}/v1/models/slow:predict", json={"instances": [1.0]}).json() == {"predictions": [2.5]}
    finally:
        SlowWarmup.gate.set()
        server.stop()


def test_a_broken_new_version_leaves_the_old_one_serving(tmp_path, graphs, serve):
    repo = make_repo(tmp_path, {"m": (graphs["half_plus_two"], None)})
    server = serve(repo, poll_interval=0.1)
    os.makedirs(os.path.join(repo, "m", "2"))
    with open(os.path.join(repo, "m", "2", "model.safetensors"), "wb") as f:
        f.write(b"this is not a safetensors file")
    wait_for(lambda: "2" in versions_of(server.rest_url, "m"), what="version 2's failure to show")
    status = {s["version"]: s for s in httpx.get(f"{server.rest_url}/v1/models/m").json()["model_version_status"]}
    assert status["1"]["state"] == "AVAILABLE"
    assert status["2"]["state"] == "END" and "not a readable safetensors file" in status["2"]["status"]["error_message"]
    assert httpx.post(f"{server.rest_url}/v1/models/m:predict", json={"instances": [2.0]}).json() == {
        "predictions": [3.0]}
    assert httpx.get(f"{server.rest_url}/v2/health/ready").status_code == 200
    text = server.metrics.text().decode()
    assert 'unigrad_model_load_failure_total{model="m",version="2"} 1.0' in text
    # fixing the files makes version 2 load and take over
    shutil.copy(graphs["half_plus_two"], os.path.join(repo, "m", "2", "model.safetensors"))
    wait_for(lambda: versions_of(server.rest_url, "m") == {"2": "AVAILABLE"}, what="the fixed version 2")


def test_models_come_and_go_with_their_folders(tmp_path, graphs, serve):
    repo = make_repo(tmp_path, {"a": (graphs["half_plus_two"], None)})
    server = serve(repo, poll_interval=0.1)
    os.makedirs(os.path.join(repo, ".b-staging", "1"))
    shutil.copy(graphs["half_plus_two"], os.path.join(repo, ".b-staging", "1", "model.safetensors"))
    os.rename(os.path.join(repo, ".b-staging"), os.path.join(repo, "b"))
    wait_for(lambda: httpx.get(f"{server.rest_url}/v2/models/b/ready").status_code == 200, what="model b")
    shutil.rmtree(os.path.join(repo, "a"))
    wait_for(lambda: httpx.get(f"{server.rest_url}/v2/models/a/ready").status_code == 404, what="model a to go")
    assert httpx.get(f"{server.rest_url}/v1/models").json() == {"models": ["b"]}
