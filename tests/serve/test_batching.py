"""Dynamic batching: merged up to max_batch_size or until max_queue_delay, preferred sizes, padding to
the allowed sizes, and every request gets exactly its own rows back (mixed sizes, concurrent clients)."""
import gc
import threading
import time

import numpy as np
import pytest

from unigrad.serve.batcher import Batcher, InferRequest
from unigrad.serve.config import parse_config
from unigrad.serve.errors import ModelUnavailable, ServeError
from unigrad.serve.model import Runner, ServedModel, TensorSpec

from .conftest import make_repo, reference

httpclient = pytest.importorskip("tritonclient.http")


class RowModel(Runner):
    """y = 2x + the row's own sum: any mix-up of rows between requests changes the answer."""
    platform = "test"
    batch_axis = True
    inputs = (TensorSpec("x", np.dtype(np.float32), (-1, 3)),)
    outputs = (TensorSpec("y", np.dtype(np.float32), (-1, 3)),)

    def __init__(self, fail=False, hold_first=False):
        self.batches, self.fail = [], fail
        self.running, self.release = threading.Event(), threading.Event()
        if not hold_first:
            self.release.set()

    def run(self, arrays):
        (x,) = arrays
        self.batches.append(x.shape[0])
        self.running.set()
        assert self.release.wait(10)  # the first run holds the worker until the test has queued the rest
        if self.fail:
            raise RuntimeError("boom")
        return [2 * x + x.sum(1, keepdims=True)]


def occupy(batcher, runner):
    """Start a one-row run that holds the worker; returns its waiter."""
    wait = submit(batcher, np.zeros((1, 3), np.float32))
    assert runner.running.wait(10)
    return wait


def make(runner, **cfg):
    return Batcher(ServedModel("rows", 1, runner, parse_config(cfg)))


def submit(batcher, x):
    """Queue x; returns a function that waits for (outputs, error)."""
    done = threading.Event()
    box = {}

    def finish(outputs, error):
        box.update(outputs=outputs, error=error)
        done.set()
    batcher.submit(InferRequest([x], x.shape[0], finish))

    def wait():
        assert done.wait(10)
        return box["outputs"], box["error"]
    return wait


def expected(x):
    return 2 * x + x.sum(1, keepdims=True)


def test_queued_requests_merge_and_each_gets_its_rows():
    runner = RowModel(hold_first=True)
    b = make(runner, max_batch_size=16)
    rng = np.random.default_rng(0)
    first = occupy(b, runner)
    xs = [rng.standard_normal((n, 3)).astype(np.float32) for n in (3, 1, 4, 2)]
    waits = [submit(b, x) for x in xs]
    runner.release.set()
    for x, wait in zip(xs, waits):
        (y,), err = wait()
        assert err is None
        np.testing.assert_array_equal(y, expected(x))
    first()
    b.close()
    assert runner.batches == [1, 16]  # 3+1+4+2 = 10 rows in one run, padded to the allowed size 16


def test_max_batch_size_splits_the_queue():
    runner = RowModel(hold_first=True)
    b = make(runner, max_batch_size=4, allowed_batch_sizes=[1, 2, 3, 4])
    occupy(b, runner)
    waits = [submit(b, np.full((1, 3), i, np.float32)) for i in range(9)]
    runner.release.set()
    for i, wait in enumerate(waits):
        (y,), _ = wait()
        np.testing.assert_array_equal(y, expected(np.full((1, 3), i, np.float32)))
    b.close()
    assert runner.batches == [1, 4, 4, 1]


def test_queue_delay_waits_for_more_and_preferred_sizes_go_at_once():
    runner = RowModel()
    b = make(runner, max_batch_size=8, allowed_batch_sizes=[1, 2, 3, 4, 5, 6, 7, 8],
             dynamic_batching={"max_queue_delay_us": 200_000})
    start = time.perf_counter()
    waits = [submit(b, np.ones((1, 3), np.float32)) for _ in range(3)]
    for w in waits:
        w()
    assert runner.batches == [3] and time.perf_counter() - start >= 0.19  # held until the delay ran out
    b.close()
    runner = RowModel()
    b = make(runner, max_batch_size=8, allowed_batch_sizes=[1, 2, 3, 4, 5, 6, 7, 8],
             dynamic_batching={"max_queue_delay_us": 2_000_000, "preferred_batch_sizes": [2]})
    start = time.perf_counter()
    waits = [submit(b, np.ones((1, 3), np.float32)) for _ in range(2)]
    for w in waits:
        w()
    assert runner.batches == [2] and time.perf_counter() - start < 1.0  # a preferred size does not wait
    b.close()


def test_batching_off_runs_one_request_at_a_time():
    runner = RowModel(hold_first=True)
    b = make(runner, max_batch_size=8, dynamic_batching=False)
    occupy(b, runner)
    waits = [submit(b, np.ones((n, 3), np.float32)) for n in (1, 3, 2)]
    runner.release.set()
    for w in waits:
        w()
    b.close()
    assert runner.batches == [1, 1, 4, 2]  # one run per request, padded to the allowed sizes


def test_inputs_of_other_shapes_are_not_merged():
    class Ragged(RowModel):
        inputs = (TensorSpec("x", np.dtype(np.float32), (-1, -1)),)
        outputs = (TensorSpec("y", np.dtype(np.float32), (-1, -1)),)
    runner = Ragged(hold_first=True)
    b = make(runner, max_batch_size=8, allowed_batch_sizes=list(range(1, 9)))
    occupy(b, runner)
    xs = [np.ones((1, 3), np.float32), np.ones((1, 5), np.float32), np.ones((2, 3), np.float32)]
    waits = [submit(b, x) for x in xs]
    runner.release.set()
    for x, w in zip(xs, waits):
        (y,), _ = w()
        np.testing.assert_array_equal(y, expected(x))
    b.close()
    assert runner.batches == [1, 3, 1]


def test_cancelled_requests_are_dropped_and_errors_reach_every_request():
    runner = RowModel(hold_first=True)
    b = make(runner, max_batch_size=8)
    occupy(b, runner)
    gone = InferRequest([np.ones((2, 3), np.float32)], 2, lambda o, e: None)
    b.submit(gone)
    gone.cancel()
    kept = submit(b, np.ones((1, 3), np.float32))
    runner.release.set()
    kept()
    b.close()
    assert runner.batches == [1, 1]
    b = make(RowModel(fail=True), max_batch_size=8)
    outputs, error = submit(b, np.ones((1, 3), np.float32))()
    assert outputs is None and isinstance(error, ServeError) and "boom" in str(error)
    b.close()


def test_a_full_queue_refuses():
    runner = RowModel(hold_first=True)
    b = make(runner, max_batch_size=1, dynamic_batching={"max_queue_size": 2})
    occupy(b, runner)
    submit(b, np.ones((1, 3), np.float32))
    submit(b, np.ones((1, 3), np.float32))
    with pytest.raises(ModelUnavailable, match="max_queue_size"):
        submit(b, np.ones((1, 3), np.float32))
    runner.release.set()
    b.close()


def test_concurrent_clients_with_mixed_sizes_over_http(tmp_path, graphs, serve):
    # a 20 ms window: on a loaded 2-core CI machine the client's requests can arrive more than the
    # usual 2 ms apart, and none would merge (seen: 64 executions for 64 requests)
    repo = make_repo(tmp_path, {"lenet": (graphs["lenet"], {"max_batch_size": 16,
                                                            "dynamic_batching": {"max_queue_delay_us": 20000}})})
    server = serve(repo)
    rng = np.random.default_rng(3)
    xs = [rng.standard_normal((1 + i % 4, 1, 28, 28)).astype(np.float32) for i in range(64)]
    wants = [reference(graphs["lenet"], x) for x in xs]
    # 16 requests in flight at once from tritonclient's own concurrent mode (its gevent pool)
    client = httpclient.InferenceServerClient(server.rest_url.removeprefix("http://"), concurrency=16)
    try:
        pending = []
        for x in xs:
            inp = httpclient.InferInput("input.0", list(x.shape), "FP32")
            inp.set_data_from_numpy(x)
            pending.append(client.async_infer("lenet", [inp]))
        results = [p.get_result().as_numpy("output.0") for p in pending]
    finally:
        client.close()
        del client
        gc.collect()  # its __del__ joins a gevent pool: collect it here, in the thread that pool belongs to
    for got, want in zip(results, wants):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    text = server.metrics.text().decode()
    requests_ok = _sample(text, 'unigrad_inference_request_success_total{model="lenet",version="1"}')
    executions = _sample(text, 'unigrad_inference_exec_count_total{model="lenet",version="1"}')
    rows = _sample(text, 'unigrad_inference_count_total{model="lenet",version="1"}')
    assert requests_ok == 64 and rows == sum(x.shape[0] for x in xs)
    assert executions < 64  # requests were merged
    # a shape-generic graph runs every batch without retracing: one plan per allowed size at most
    runner = server.manager.models["lenet"].latest().served.runner
    assert set(runner.graph.plans) <= {((s, 1, 28, 28),) for s in (1, 2, 4, 8, 16)}


def _sample(text, key):
    for line in text.splitlines():
        if line.startswith(key + " "):
            return float(line.split()[-1])
    raise AssertionError(f"{key} not in the metrics")
