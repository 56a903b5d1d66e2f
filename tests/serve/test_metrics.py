"""Prometheus metrics at /metrics: per model and version success/failure counts, queue, compute and
request-duration histograms, the batch size histogram, pending and in-flight gauges."""
import threading

import httpx
import numpy as np
import pytest
from prometheus_client.parser import text_string_to_metric_families

from .conftest import make_repo

httpclient = pytest.importorskip("tritonclient.http")


def samples(url, path="/metrics"):
    r = httpx.get(url + path)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    out = {}
    for family in text_string_to_metric_families(r.text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def value(found, name, **labels):
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def test_counts_histograms_and_gauges(tmp_path, graphs, serve):
    repo = make_repo(tmp_path, {"lenet": (graphs["lenet"], {"max_batch_size": 8,
                                                            "dynamic_batching": {"max_queue_delay_us": 3000}})})
    server = serve(repo)
    url = server.rest_url
    xs = [np.random.default_rng(i).standard_normal((1 + i % 3, 1, 28, 28)).astype(np.float32) for i in range(12)]

    def call(x):
        with httpx.Client() as c:
            r = c.post(f"{url}/v1/models/lenet:predict", json={"instances": x.tolist()})
            assert r.status_code == 200
    threads = [threading.Thread(target=call, args=(x,)) for x in xs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for _ in range(3):  # wrong shapes: failures with their reason
        httpx.post(f"{url}/v1/models/lenet:predict", json={"instances": [[1.0, 2.0]]})
    found = samples(url)
    v = {"model": "lenet", "version": "1"}
    rows = sum(x.shape[0] for x in xs)
    assert value(found, "unigrad_inference_request_success_total", **v) == 12
    assert value(found, "unigrad_inference_request_failure_total", reason="INVALID_ARGUMENT", **v) == 3
    assert value(found, "unigrad_inference_count_total", **v) == rows
    executions = value(found, "unigrad_inference_exec_count_total", **v)
    assert 1 <= executions < 12  # requests that arrived together ran together
    assert value(found, "unigrad_inference_batch_size_count", **v) == executions
    assert value(found, "unigrad_inference_batch_size_sum", **v) == rows
    assert value(found, "unigrad_inference_compute_duration_seconds_count", **v) == executions
    assert value(found, "unigrad_inference_queue_duration_seconds_count", **v) == 12
    assert value(found, "unigrad_inference_request_duration_seconds_count", **v) == 12
    # every request took at least its queue wait, and the histogram buckets are cumulative
    assert value(found, "unigrad_inference_request_duration_seconds_sum", **v) >= \
        value(found, "unigrad_inference_queue_duration_seconds_sum", **v) > 0
    buckets = sorted((float(dict(k[1])["le"]), n) for k, n in found.items()
                     if k[0] == "unigrad_inference_batch_size_bucket")
    assert [n for _, n in buckets] == sorted(n for _, n in buckets) and buckets[-1][1] == executions
    assert value(found, "unigrad_inference_pending_request_count", **v) == 0
    assert value(found, "unigrad_inference_requests_in_flight", **v) == 0
    assert value(found, "unigrad_model_ready", **v) == 1
    # the same page at TF Serving's monitoring path
    assert value(samples(url, "/monitoring/prometheus/metrics"), "unigrad_inference_request_success_total", **v) == 12


def test_in_flight_counts_requests_being_served(tmp_path, graphs, serve):
    from unigrad.serve import loaders
    from .test_versions import SlowWarmup
    loader = loaders.Loader("slow_test", (".safetensors",), SlowWarmup)
    loaders.LOADERS.insert(0, loader)
    SlowWarmup.gate.set()  # warm-up passes; then the gate holds requests
    try:
        repo = make_repo(tmp_path, {"slow": (graphs["half_plus_two"], {"platform": "slow_test", "max_batch_size": 1})})
        server = serve(repo)
        SlowWarmup.gate.clear()
        threads = [threading.Thread(target=httpx.post, args=(f"{server.rest_url}/v1/models/slow:predict",),
                                    kwargs={"json": {"instances": [1.0]}, "timeout": 30}) for _ in range(3)]
        for t in threads:
            t.start()
        v = {"model": "slow", "version": "1"}
        from .test_versions import wait_for
        wait_for(lambda: value(samples(server.rest_url), "unigrad_inference_requests_in_flight", **v) == 3,
                 what="3 requests in flight")
        assert value(samples(server.rest_url), "unigrad_inference_pending_request_count", **v) == 2  # one runs
        SlowWarmup.gate.set()
        for t in threads:
            t.join()
        assert value(samples(server.rest_url), "unigrad_inference_requests_in_flight", **v) == 0
    finally:
        SlowWarmup.gate.set()
        loaders.LOADERS.remove(loader)
