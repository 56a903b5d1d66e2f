"""Models traced at test time into throw-away repositories, and servers on free loopback ports."""
import json
import os
import shutil

import numpy as np
import pytest

import unigrad as ug

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
pytest.importorskip("prometheus_client")

from unigrad.serve.server import Server  # noqa: E402


def lenet():
    nn = ug.nn
    return nn.Sequential(nn.Conv2d(1, 20, 5), nn.MaxPool2d(2), nn.Conv2d(20, 50, 5), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(800, 500), nn.ReLU(), nn.Linear(500, 10)).eval()


def save_traced(fn, example, path):
    with ug.no_grad():
        traced = ug.jit.trace(fn, example, dynamic_batch=True)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    ug.jit.save(traced, path)
    return path


@pytest.fixture(scope="session")
def graphs(tmp_path_factory):
    """Saved graphs: LeNet, TF Serving's half_plus_two, a two-input model with named (dict) outputs."""
    root = tmp_path_factory.mktemp("graphs")
    ug.manual_seed(0)
    out = {
        "lenet": save_traced(lenet(), (ug.randn(2, 1, 28, 28),), str(root / "lenet.safetensors")),
        "half_plus_two": save_traced(lambda x: x * 0.5 + 2.0, (ug.tensor([1.0, 2.0, 5.0]),),
                                     str(root / "half_plus_two.safetensors")),
        "two": save_traced(lambda a, b: {"sum": a + b, "scaled": (a * 3.0).sum(1)},
                           (ug.randn(2, 3), ug.randn(2, 3)), str(root / "two.safetensors")),
    }
    with ug.no_grad():  # a graph for one input shape only: it cannot batch
        fixed = ug.jit.trace(lambda x: x.relu() * 2.0, (ug.randn(2, 3),))
    ug.jit.save(fixed, str(root / "fixed.safetensors"))
    out["fixed"] = str(root / "fixed.safetensors")
    return out


def reference(path, *arrays):
    """What the saved graph itself returns, as NumPy arrays."""
    result = ug.jit.load(path)(*[ug.from_numpy(np.ascontiguousarray(a)) for a in arrays])
    if isinstance(result, dict):
        return {k: v.numpy() for k, v in result.items()}
    return result.numpy()


def make_repo(root, models):
    """models: name -> (graph path or {version: path}, config dict or None). Returns the root."""
    root = str(root)
    for name, (versions, config) in models.items():
        if isinstance(versions, str):
            versions = {1: versions}
        for v, path in versions.items():
            os.makedirs(os.path.join(root, name, str(v)), exist_ok=True)
            shutil.copy(path, os.path.join(root, name, str(v), "model.safetensors"))
        if config is not None:
            with open(os.path.join(root, name, "config.json"), "w") as f:
                json.dump(config, f)
    return root


@pytest.fixture(scope="module")
def serve():
    """serve(repo, **kw) -> a started Server; every server is stopped at the end of the module."""
    started = []

    def start(repo, **kw):
        kw.setdefault("port", 0)
        kw.setdefault("grpc_port", None)
        kw.setdefault("poll_interval", 0)
        server = Server(str(repo), **kw).start()
        started.append(server)
        assert server.wait_until_loaded(60)
        return server
    yield start
    for server in started:
        server.stop()


ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Spawned:
    """`unigrad serve` in its own process (clients and server apart, as in production)."""

    def __init__(self, repo, *args):
        import subprocess
        import sys
        self.proc = subprocess.Popen([sys.executable, "-m", "unigrad.cli", "serve", str(repo), "--port", "0",
                                      "--grpc-port", "0", "--poll-interval", "0.2", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        rest = self.proc.stdout.readline()
        grpc = self.proc.stdout.readline()
        if " on " not in rest or " on " not in grpc:
            self.stop()
            raise RuntimeError(f"unigrad serve did not start: {rest}{grpc}{self.proc.stderr.read()}")
        self.rest_url = rest.split(" on ")[-1].strip()
        self.grpc_target = grpc.split(" on ")[-1].strip()
        self.ready_lines = []
        while True:  # the summary: one line per model, printed once the first load finished
            line = self.proc.stdout.readline()
            if not line:
                break
            self.ready_lines.append(line.strip())
            if len(self.ready_lines) >= len([p for p in os.listdir(repo) if not p.startswith(".")]):
                break

    def stop(self):
        import signal
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except Exception:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


@pytest.fixture(scope="module")
def spawn():
    """spawn(repo, *cli_args) -> Spawned server process; all are stopped at the end of the module."""
    started = []

    def start(repo, *args):
        server = Spawned(repo, *args)
        started.append(server)
        return server
    yield start
    for server in started:
        server.stop()
