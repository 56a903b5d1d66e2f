"""Serving benchmarks (issue 11): `unigrad serve` with LeNet on this machine, in one run.

    python bench/bench_serve.py [--requests 10000] [--clients 32] [--rounds 5] [--latency-requests 2000]

Each server runs in its own process (`unigrad serve`, or the onnxruntime reference server below),
the load comes from this process: asyncio clients on keep-alive loopback connections, each
sending its next request when the last one answered (a closed loop, like perf_analyzer's
concurrency mode). Prints:
  1. throughput and latency with dynamic batching vs without, 32 concurrent clients, for
     TF Serving JSON, KServe binary tensors and gRPC;
  2. p50/p99 of one client's batch-1 predicts over HTTP and gRPC (raw loopback clients and
     tritonclient);
  3. 10,000 requests from 32 clients: errors, and the server's resident memory over the run;
  4. onnxruntime behind the same ASGI stack (the reference server at the end of this file) in
     the same run, and the ratios;
and first, in this process without a server, a plain eager call of the model and of its saved
graph at batch 1 and 32 (what a request costs before protocols, queues and threads).
"""
import argparse
import asyncio
import json
import os
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
import unigrad as ug  # noqa: E402


# ---- the model ---------------------------------------------------------------------------------
def lenet():
    nn = ug.nn
    return nn.Sequential(nn.Conv2d(1, 20, 5), nn.MaxPool2d(2), nn.Conv2d(20, 50, 5), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(800, 500), nn.ReLU(), nn.Linear(500, 10)).eval()


def lenet_onnx(model, path):
    """The same LeNet as ONNX (for onnxruntime), built node by node from the unigrad weights."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    w = [p.detach().numpy() for p in model.parameters()]
    names = ["c1.w", "c1.b", "c2.w", "c2.b", "f1.w", "f1.b", "f2.w", "f2.b"]
    nodes = [helper.make_node("Conv", ["x", "c1.w", "c1.b"], ["a"], kernel_shape=[5, 5]),
             helper.make_node("MaxPool", ["a"], ["b"], kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("Conv", ["b", "c2.w", "c2.b"], ["c"], kernel_shape=[5, 5]),
             helper.make_node("MaxPool", ["c"], ["d"], kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("Flatten", ["d"], ["e"], axis=1),
             helper.make_node("Gemm", ["e", "f1.w", "f1.b"], ["f"], transB=1),
             helper.make_node("Relu", ["f"], ["g"]),
             helper.make_node("Gemm", ["g", "f2.w", "f2.b"], ["y"], transB=1)]
    graph = helper.make_graph(nodes, "lenet", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 1, 28, 28])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 10])],
                              [numpy_helper.from_array(a, n) for a, n in zip(w, names)])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    onnx.checker.check_model(m)
    with open(path, "wb") as f:
        f.write(m.SerializeToString())


def in_process_table(root, n):
    """The model without a server: a plain eager call and the saved graph's call, batch 1 and 32
    (what a request costs before any protocol, queue or thread hand-off)."""
    from threadpoolctl import threadpool_limits
    threadpool_limits(limits=1, user_api="blas")  # as the server runs (--blas-threads 1): on 2 shared cores a
    # second BLAS thread spinning beside the neighbours' load makes a LeNet call 100x slower
    ug.manual_seed(0)
    model = lenet()  # the same weights as the served one (same seed)
    graph = ug.jit.load(os.path.join(root, "batched", "1", "model.safetensors"))
    rows = []
    for batch in (1, 32):
        x = ug.from_numpy(np.random.default_rng(0).standard_normal((batch, 1, 28, 28)).astype(np.float32))
        for label, fn in (("eager model(x)", model), ("saved graph (ug.jit.load)", graph)):
            with ug.no_grad():
                for _ in range(n // 10):
                    fn(x)
                lat = []
                for _ in range(n if batch == 1 else n // 10):
                    start = time.perf_counter()
                    fn(x).numpy()
                    lat.append(time.perf_counter() - start)
            lat = np.array(lat) * 1e3
            rows.append((label, batch, float(np.percentile(lat, 50)), float(np.percentile(lat, 99)),
                         batch / np.median(lat) * 1e3))
    return rows


def make_repository(root):
    ug.manual_seed(0)
    model = lenet()
    with ug.no_grad():
        traced = ug.jit.trace(model, (ug.randn(2, 1, 28, 28),), dynamic_batch=True)
    configs = {
        "batched": {"max_batch_size": 32, "dynamic_batching": {"max_queue_delay_us": 0}},
        "unbatched": {"max_batch_size": 32, "dynamic_batching": False},
    }
    for name, config in configs.items():
        os.makedirs(os.path.join(root, name, "1"))
        ug.jit.save(traced, os.path.join(root, name, "1", "model.safetensors"))
        with open(os.path.join(root, name, "config.json"), "w") as f:
            json.dump(config, f)
    onnx_path = os.path.join(root, "lenet.onnx")
    lenet_onnx(model, onnx_path)
    os.makedirs(os.path.join(root, "onnx_batched", "1"))  # the same file served by unigrad (ug.onnx.load)
    shutil.copy(onnx_path, os.path.join(root, "onnx_batched", "1", "model.onnx"))
    with open(os.path.join(root, "onnx_batched", "config.json"), "w") as f:
        json.dump(configs["batched"], f)
    x = np.random.default_rng(1).standard_normal((3, 1, 28, 28)).astype(np.float32)
    import onnxruntime as ort
    ours = ug.jit.load(os.path.join(root, "batched", "1", "model.safetensors"))(ug.from_numpy(x)).numpy()
    theirs = ort.InferenceSession(onnx_path).run(None, {"x": x})[0]
    assert np.allclose(ours, theirs, atol=1e-4), "the ONNX LeNet differs from the unigrad one"
    return onnx_path


# ---- servers in their own processes ------------------------------------------------------------
class Process:
    def __init__(self, args, ready_words):
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
        self.lines = []
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"{args} exited: {self.lines}")
            self.lines.append(line)
            if ready_words in line:
                break

    def rss_mib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def start_unigrad(repo):
    p = Process([sys.executable, "-m", "unigrad.cli", "serve", repo, "--port", "0", "--grpc-port", "0",
                 "--poll-interval", "0", "--log-level", "warning"], "model unbatched: ready")
    p.rest_port = int(p.lines[0].split(" on ")[-1].strip().rsplit(":", 1)[1])
    p.grpc_target = p.lines[1].split(" on ")[-1].strip()
    return p


def start_reference(onnx_path):
    p = Process([sys.executable, os.path.abspath(__file__), "--reference-server", onnx_path], "listening on")
    p.rest_port = int(p.lines[-1].split()[-1])
    return p


# ---- request bodies ------------------------------------------------------------------------------
def tf_body(x):
    return json.dumps({"instances": x.tolist()}).encode(), {"Content-Type": "application/json"}


def kserve_binary_body(x):
    header = json.dumps({"inputs": [{"name": "input.0", "shape": list(x.shape), "datatype": "FP32",
                                     "parameters": {"binary_data_size": x.nbytes}}],
                         "outputs": [{"name": "output.0", "parameters": {"binary_data": True}}]}).encode()
    return header + x.tobytes(), {"Inference-Header-Content-Length": str(len(header)),
                                  "Content-Type": "application/octet-stream"}


def http_request(port, path, body_and_headers):
    body, headers = body_and_headers
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {len(body)}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    return head.encode() + body


# ---- closed-loop load ----------------------------------------------------------------------------
async def _http_client(port, payload, count, latencies, errors):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for _ in range(count):
            start = time.perf_counter()
            writer.write(payload)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
            if status != 200:
                errors.append(status)
    finally:
        writer.close()


async def _grpc_client(stub, request, count, latencies, errors):
    for _ in range(count):
        start = time.perf_counter()
        try:
            await stub.ModelInfer(request)
        except Exception as exc:  # counted, the run goes on
            errors.append(repr(exc))
        latencies.append(time.perf_counter() - start)


def run_load(kind, target, payload, clients, total, rss=None):
    """(requests/s, p50 ms, p99 ms, errors, rss samples) of `total` requests from `clients` clients."""
    latencies, errors, samples = [], [], []

    async def main():
        per = [total // clients + (1 if i < total % clients else 0) for i in range(clients)]
        if kind == "grpc":
            import grpc
            from tritonclient.grpc import service_pb2_grpc
            channel = grpc.aio.insecure_channel(target, options=[("grpc.max_receive_message_length", 1 << 26)])
            stub = service_pb2_grpc.GRPCInferenceServiceStub(channel)
            tasks = [_grpc_client(stub, payload, n, latencies, errors) for n in per]
        else:
            tasks = [_http_client(target, payload, n, latencies, errors) for n in per]
        watcher = asyncio.ensure_future(_watch_rss(rss, latencies, samples)) if rss else None
        start = time.perf_counter()
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - start
        if watcher:
            watcher.cancel()
        if kind == "grpc":
            await channel.close()
        return elapsed
    elapsed = asyncio.run(main())
    lat = np.array(latencies) * 1e3
    run_load.last = (elapsed, lat)  # for interleaved(): the raw run
    return total / elapsed, float(np.percentile(lat, 50)), float(np.percentile(lat, 99)), errors, samples


async def _watch_rss(process, latencies, samples):
    while True:
        samples.append((len(latencies), process.rss_mib()))
        await asyncio.sleep(0.05)


def grpc_request(x):
    from tritonclient.grpc import service_pb2
    r = service_pb2.ModelInferRequest(model_name="batched")
    r.inputs.add(name="input.0", datatype="FP32", shape=list(x.shape))
    r.raw_input_contents.append(x.tobytes())
    return r


# ---- the reports ---------------------------------------------------------------------------------
def batching_table(server, reference, clients, total, rounds):
    """Throughput and latency of every configuration, interleaved: `rounds` rounds, each running
    every configuration for total/rounds requests in a rotated order, so the neighbours' load on
    this shared machine falls on all of them alike. Rates are requests over the summed run times,
    percentiles over all requests; `ratios` holds each round's batched/unbatched rate."""
    x = np.random.default_rng(0).standard_normal((1, 1, 28, 28)).astype(np.float32)
    configs = []
    for label, path_of, body in [("TF Serving REST, JSON", lambda m: f"/v1/models/{m}:predict", tf_body(x)),
                                 ("KServe v2 REST, binary", lambda m: f"/v2/models/{m}/infer", kserve_binary_body(x))]:
        for model in ("unbatched", "batched"):
            configs.append((label, model, "http", server.rest_port, http_request(server.rest_port, path_of(model), body)))
    for model in ("unbatched", "batched"):
        req = grpc_request(x)
        req.model_name = model
        configs.append(("KServe v2 gRPC, raw", model, "grpc", server.grpc_target, req))
    configs.append(("TF Serving REST, JSON", "batched, from the .onnx", "http", server.rest_port,
                    http_request(server.rest_port, "/v1/models/onnx_batched:predict", tf_body(x))))
    configs.append(("TF Serving REST, JSON", "onnxruntime ref.", "http", reference.rest_port,
                    http_request(reference.rest_port, "/v1/models/lenet:predict", tf_body(x))))
    per = max(total // rounds, clients)
    for _, _, kind, target, payload in configs:  # warm the connections, plans and thread pools
        run_load(kind, target, payload, clients, max(per // 5, clients))
    runs = {c[:2]: [] for c in configs}
    for r in range(rounds):
        for i in range(len(configs)):
            label, model, kind, target, payload = configs[(i + r) % len(configs)]
            *_, errors, _ = run_load(kind, target, payload, clients, per)
            runs[(label, model)].append((per, *run_load.last, len(errors)))
    rows = []
    for (label, model), done in runs.items():
        count = sum(d[0] for d in done)
        lat = np.concatenate([d[2] for d in done])
        rows.append((label, model, count / sum(d[1] for d in done), float(np.percentile(lat, 50)),
                     float(np.percentile(lat, 99)), sum(d[3] for d in done), [d[0] / d[1] for d in done]))
    return rows


def latency_table(server, reference, n):
    x = np.random.default_rng(0).standard_normal((1, 1, 28, 28)).astype(np.float32)
    out = []
    for label, port, path, body in [
            ("HTTP, TF Serving JSON (raw keep-alive client)", server.rest_port, "/v1/models/batched:predict", tf_body(x)),
            ("HTTP, KServe binary (raw keep-alive client)", server.rest_port, "/v2/models/batched/infer",
             kserve_binary_body(x)),
            ("HTTP, TF Serving JSON, onnxruntime reference", reference.rest_port, "/v1/models/lenet:predict",
             tf_body(x))]:
        payload = http_request(port, path, body)
        run_load("http", port, payload, 1, n // 5)
        out.append((label, *run_load("http", port, payload, 1, n)[1:3]))
    run_load("grpc", server.grpc_target, grpc_request(x), 1, n // 5)
    out.append(("gRPC, raw contents (grpc.aio client)", *run_load("grpc", server.grpc_target, grpc_request(x), 1, n)[1:3]))
    out += tritonclient_latency(server, x, n)
    return out


def tritonclient_latency(server, x, n):
    import tritonclient.grpc as grpcclient
    import tritonclient.http as httpclient
    rows = []
    for label, module, url in [("HTTP, tritonclient.http (binary)", httpclient, f"127.0.0.1:{server.rest_port}"),
                               ("gRPC, tritonclient.grpc", grpcclient, server.grpc_target)]:
        client = module.InferenceServerClient(url)
        inp = module.InferInput("input.0", [1, 1, 28, 28], "FP32")
        inp.set_data_from_numpy(x)
        for _ in range(n // 5):
            client.infer("batched", [inp])
        lat = []
        for _ in range(n):
            start = time.perf_counter()
            client.infer("batched", [inp])
            lat.append(time.perf_counter() - start)
        client.close()
        lat = np.array(lat) * 1e3
        rows.append((label, float(np.percentile(lat, 50)), float(np.percentile(lat, 99))))
    return rows


def soak(server, clients, total):
    x = np.random.default_rng(0).standard_normal((1, 1, 28, 28)).astype(np.float32)
    payload = http_request(server.rest_port, "/v2/models/batched/infer", kserve_binary_body(x))
    rate, p50, p99, errors, samples = run_load("http", server.rest_port, payload, clients, total, rss=server)
    first = [m for done, m in samples if done <= 1000] or [samples[0][1]]
    last = [m for done, m in samples if done >= total - 1000] or [samples[-1][1]]
    return rate, p50, p99, len(errors), statistics.mean(first), statistics.mean(last), server.rss_mib()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--requests", type=int, default=10000, help="requests per throughput run and in the soak")
    p.add_argument("--clients", type=int, default=32)
    p.add_argument("--latency-requests", type=int, default=2000)
    p.add_argument("--rounds", type=int, default=5, help="interleaved rounds of the throughput runs")
    p.add_argument("--reference-server", metavar="MODEL.onnx", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.reference_server:
        return reference_server(args.reference_server)
    root = tempfile.mkdtemp(prefix="bench_serve_")
    try:
        onnx_path = make_repository(root)
        in_process = in_process_table(root, args.latency_requests)
        server, reference = start_unigrad(root), start_reference(onnx_path)
        try:
            report(server, reference, args, in_process)
        finally:
            server.stop()
            reference.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def report(server, reference, args, in_process):
    import platform
    print(f"# bench_serve: LeNet, {os.cpu_count()} cores ({platform.processor() or platform.machine()}), "
          f"{args.clients} clients, {args.requests} requests per run; load average at the start "
          f"{' '.join(f'{v:.2f}' for v in os.getloadavg())}\n")
    print("| in process, no server | batch | p50 ms | p99 ms | rows/s |\n|---|---:|---:|---:|---:|")
    for label, batch, p50, p99, rate in in_process:
        print(f"| {label} | {batch} | {p50:.3f} | {p99:.3f} | {rate:,.0f} |")
    print()
    rows = batching_table(server, reference, args.clients, args.requests, args.rounds)
    print(f"{args.requests} requests per configuration from {args.clients} closed-loop clients, in {args.rounds} "
          "interleaved rounds\n")
    print("| protocol | server | requests/s | p50 ms | p99 ms | errors |\n|---|---|---:|---:|---:|---:|")
    for label, model, rate, p50, p99, errors, _ in rows:
        print(f"| {label} | {model} | {rate:,.0f} | {p50:.2f} | {p99:.2f} | {errors} |")
    by = {(r[0], r[1]): r for r in rows}
    print()

    def ratio(a, b):
        per_round = sorted(x / y for x, y in zip(a[6], b[6]))
        return (f"{a[2] / b[2]:.2f}x (rounds: median {statistics.median(per_round):.2f}x, "
                f"{per_round[0]:.2f}-{per_round[-1]:.2f}x)")
    for label in ("TF Serving REST, JSON", "KServe v2 REST, binary", "KServe v2 gRPC, raw"):
        b, u = by[(label, "batched")], by[(label, "unbatched")]
        print(f"- {label}: batching gives {ratio(b, u)} the throughput, p99 {b[4]:.2f} ms vs {u[4]:.2f} ms")
    ref = by[("TF Serving REST, JSON", "onnxruntime ref.")]
    print(f"- onnxruntime reference (no batching) {ref[2]:,.0f} req/s; unigrad / reference, TF Serving JSON: "
          f"batched {ratio(by[('TF Serving REST, JSON', 'batched')], ref)}, unbatched "
          f"{ratio(by[('TF Serving REST, JSON', 'unbatched')], ref)}, the same .onnx batched "
          f"{ratio(by[('TF Serving REST, JSON', 'batched, from the .onnx')], ref)}\n")
    print("| batch-1 predict, one client | p50 ms | p99 ms |\n|---|---:|---:|")
    for label, p50, p99 in latency_table(server, reference, args.latency_requests):
        print(f"| {label} | {p50:.3f} | {p99:.3f} |")
    rate, p50, p99, errors, first, last, end = soak(server, args.clients, args.requests)
    print(f"\nload average at the end {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(f"\nsoak: {args.requests} KServe binary requests from {args.clients} clients: {errors} errors, "
          f"{rate:,.0f} req/s, p50 {p50:.2f} ms, p99 {p99:.2f} ms; server RSS {first:.1f} MiB over the first 1,000 "
          f"requests, {last:.1f} MiB over the last 1,000 ({end:.1f} MiB at the end)")


# ---- the onnxruntime reference server: the same ASGI stack, no batching --------------------------
def reference_server(onnx_path):
    import onnxruntime as ort
    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1  # one request at a time, like the unbatched unigrad worker
    session = ort.InferenceSession(onnx_path, options)

    async def predict(request):
        x = np.asarray(json.loads(await request.body())["instances"], np.float32)
        y = session.run(None, {"x": x})[0]
        return Response(json.dumps({"predictions": y.tolist()}), media_type="application/json")
    app = Starlette(routes=[Route("/v1/models/lenet:predict", predict, methods=["POST"])])
    import socket
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    print(f"reference server listening on {sock.getsockname()[1]}", flush=True)
    uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")).run(sockets=[sock])


if __name__ == "__main__":
    main()
