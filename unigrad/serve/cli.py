"""`unigrad serve`: put a model repository behind TF Serving's and KServe's protocols.

    unigrad serve MODEL_DIR [--port 8501] [--grpc-port 8500] [--host 127.0.0.1]
    unigrad serve --example            # the MNIST model the README's demo trained
"""
import argparse
import logging
import os
import signal
import sys
import threading

from ..backend.blas_threads import set_num_threads
from .example import example_model_path, example_source
from .http_io import DEFAULT_MAX_BODY
from .server import Server


def build_parser():
    p = argparse.ArgumentParser(prog="unigrad serve", description="Serve models over TF Serving's REST API, KServe "
                                "v2 (REST and gRPC), with dynamic batching, hot-reloaded versions, Prometheus "
                                "metrics at /metrics and a web page at /.")
    p.add_argument("model_dir", nargs="?", help="model repository: MODEL_DIR/<name>/<version>/ holding a saved graph "
                   "(ug.jit.save), an ONNX file or a Caffe deploy prototxt + .caffemodel; an optional "
                   "MODEL_DIR/<name>/config.toml or config.json")
    p.add_argument("--example", action="store_true", help=f"serve the demo's MNIST model ({example_model_path()})")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8501, help="REST port (default 8501, TF Serving's; 0: any free)")
    p.add_argument("--grpc-port", type=int, default=8500, help="gRPC port (default 8500; 0: any free)")
    p.add_argument("--no-grpc", action="store_true", help="serve REST only")
    p.add_argument("--poll-interval", type=float, default=1.0, help="seconds between scans for new versions "
                   "(default 1; 0: load once)")
    p.add_argument("--device", default=None, help="run every model on this device (cpu, cuda, cuda:1), overriding "
                   "the configs")
    p.add_argument("--max-body-bytes", type=int, default=DEFAULT_MAX_BODY, help="largest request body / gRPC "
                   f"message (default {DEFAULT_MAX_BODY})")
    p.add_argument("--request-timeout", type=float, default=30.0, help="seconds a request may wait for its result")
    p.add_argument("--blas-threads", type=int, default=1, help="BLAS threads for the models' matrix products "
                   "(default 1: the event loop and the batcher threads use the other cores; 0: leave BLAS's own "
                   "choice)")
    p.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    return p


def main(argv=None):
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="unigrad serve: %(message)s", stream=sys.stderr)
    sources = None
    if args.example:
        source = example_source()
        if source is None:
            print(f"unigrad serve: no demo model at {example_model_path()}; train it first with "
                  "`python examples/mnist_mlp.py` (it saves the graph there), or set UNIGRAD_MODELS",
                  file=sys.stderr)
            return 2
        sources = lambda: [source]  # noqa: E731
    elif args.model_dir is None:
        print("unigrad serve: give a model repository (MODEL_DIR) or --example", file=sys.stderr)
        return 2
    elif not os.path.isdir(args.model_dir):
        print(f"unigrad serve: model repository '{args.model_dir}' is not a folder", file=sys.stderr)
        return 2
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"unigrad serve: warning: listening on {args.host}, reachable from other machines; this server has no "
              "authentication (put a reverse proxy in front of it)", file=sys.stderr)
    if args.blas_threads > 0:  # the event loop and the batcher threads need cores too
        set_num_threads(args.blas_threads)
    server = Server(args.model_dir, host=args.host, port=args.port,
                    grpc_port=None if args.no_grpc else args.grpc_port, poll_interval=args.poll_interval,
                    device=args.device, max_body=args.max_body_bytes, request_timeout=args.request_timeout,
                    sources=sources)
    try:
        server.start()
    except OSError as exc:
        print(f"unigrad serve: cannot listen: {exc}", file=sys.stderr)
        return 1
    print(f"unigrad serve: REST (TF Serving /v1, KServe v2 /v2, /metrics, web page /) on {server.rest_url}",
          flush=True)
    if server.grpc_bound_port is not None:
        print(f"unigrad serve: gRPC (KServe v2 inference.GRPCInferenceService) on {server.grpc_target}", flush=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    server.manager.loaded_once.wait()  # interruptible: signals set `stop` meanwhile
    if not stop.is_set():
        for line in summary(server.manager):
            print(f"unigrad serve: {line}", flush=True)
    while server._thread.is_alive() and not stop.wait(0.5):
        pass
    print("unigrad serve: stopping (finishing queued requests)", flush=True)
    server.stop()
    return 0


def summary(manager):
    """One line per model: its ready versions, or why it is not ready."""
    lines = []
    for name, model in sorted(manager.models.items()):
        ready = sorted(model.available())
        if ready:
            lines.append(f"model {name}: ready, version{'s' if len(ready) > 1 else ''} "
                         f"{', '.join(map(str, ready))}")
        else:
            lines.append(f"model {name}: NOT ready: {manager._why_not_ready(model)}")
    return lines or ["the repository holds no models yet (it is polled for new ones)"]
