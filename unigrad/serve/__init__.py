"""The model server: `unigrad serve MODEL_DIR` (docs/serving.md).

TF Serving's REST API and KServe v2 (REST and gRPC) over one model repository
(`MODEL_DIR/<name>/<version>/`), with dynamic batching, hot-reloaded versions, Prometheus
metrics and a web page. Needs the `serve` extra (starlette, uvicorn, grpcio, prometheus-client).

    from unigrad.serve import Server
    server = Server("models/", port=8501, grpc_port=8500).start()
"""


def __getattr__(name):  # the server's dependencies load only when it is used
    if name == "Server":
        from .server import Server
        return Server
    raise AttributeError(f"module 'unigrad.serve' has no attribute {name!r}")
