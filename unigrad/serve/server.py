"""The server: one process, one event loop running uvicorn (REST) and grpc.aio (gRPC), the
version manager's poller and one batcher thread per served version."""
import asyncio
import logging
import socket
import threading

import uvicorn

from .app import build_app
from .http_io import DEFAULT_MAX_BODY
from .metrics import ServerMetrics
from .repository import discover
from .service import InferenceService
from .versions import VersionManager

log = logging.getLogger("unigrad.serve")


class Server:
    """Serve the models of a repository over REST (and gRPC when grpc_port is not None).

    >>> server = Server("models/", port=0, grpc_port=None)   # doctest: +SKIP
    >>> server.start(); print(server.rest_url); server.stop()  # doctest: +SKIP

    `port=0` picks a free port (read it from `rest_port` after start). `sources` (a callable
    returning ModelSources) replaces the repository scan, e.g. to serve one model folder."""

    def __init__(self, repository=None, host="127.0.0.1", port=8501, grpc_port=8500, poll_interval=1.0,
                 device=None, max_body=DEFAULT_MAX_BODY, request_timeout=30.0, sources=None):
        if sources is None:
            sources = lambda: discover(repository)  # noqa: E731
        self.host, self.port, self.grpc_port = host, port, grpc_port
        self.metrics = ServerMetrics()
        self.manager = VersionManager(sources, self.metrics, device=device, poll_interval=poll_interval)
        self.service = InferenceService(self.manager, timeout=request_timeout)
        self.max_body = max_body
        self.app = build_app(self.manager, self.service, self.metrics, max_body)
        self.rest_port = self.grpc_bound_port = None
        self._loop = self._thread = None
        self._started = threading.Event()
        self._failure = None

    @property
    def rest_url(self):
        return f"http://{_url_host(self.host)}:{self.rest_port}"

    @property
    def grpc_target(self):
        return f"{_url_host(self.host)}:{self.grpc_bound_port}"

    # ---- running ------------------------------------------------------------------------------
    async def serve(self):
        """Run until stopped (Ctrl-C, SIGTERM or stop())."""
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        sock = _bind(self.host, self.port)
        self.rest_port = sock.getsockname()[1]
        config = uvicorn.Config(self.app, log_level="warning", access_log=False, lifespan="off",
                                http="httptools" if _has("httptools") else "h11",
                                timeout_keep_alive=30, limit_concurrency=None)
        self._uvicorn = uvicorn.Server(config)
        grpc_server = None
        if self.grpc_port is not None:
            from .grpc_service import start_grpc
            grpc_server, self.grpc_bound_port = await start_grpc(self.manager, self.service, self.host,
                                                                 self.grpc_port, self.max_body)
        self.manager.start()
        task = asyncio.ensure_future(self._uvicorn.serve(sockets=[sock]))
        while not self._uvicorn.started and not task.done():
            await asyncio.sleep(0.005)
        self._started.set()
        try:
            await task
        finally:
            if grpc_server is not None:
                await grpc_server.stop(grace=1.0)
            await asyncio.get_running_loop().run_in_executor(None, self.manager.close)

    def start(self, timeout=60.0):
        """Serve from a background thread (tests, notebooks); returns once the ports listen."""
        def run():
            try:
                asyncio.run(self.serve())
            except BaseException as exc:  # report start-up failures to the caller
                self._failure = exc
                self._started.set()
        self._thread = threading.Thread(target=run, daemon=True, name="unigrad-serve:loop")
        self._thread.start()
        if not self._started.wait(timeout) or self._failure is not None:
            raise self._failure or RuntimeError("the server did not start")
        return self

    def wait_until_loaded(self, timeout=60.0):
        """Block until the first scan of the repository has loaded (or failed) every model."""
        return self.manager.loaded_once.wait(timeout)

    def stop(self):
        """Stop serving: close the ports, finish queued requests, unload the models."""
        if self._loop is not None and self._uvicorn is not None:
            self._loop.call_soon_threadsafe(setattr, self._uvicorn, "should_exit", True)
        if self._thread is not None:
            self._thread.join()


def _bind(host, port):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say so (else Nagle + delayed ACK: 40 ms)
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _url_host(host):
    return f"[{host}]" if ":" in host else host


def _has(module):
    import importlib.util
    return importlib.util.find_spec(module) is not None
