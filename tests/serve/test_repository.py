"""The model repository: config files (TOML and JSON), loaders by file kind, the command line."""
import os
import signal
import subprocess
import sys

import numpy as np
import pytest
import requests

import unigrad as ug
from unigrad.serve.config import ImagePreprocess, load_config, parse_config
from unigrad.serve.errors import ConfigError, ModelLoadError
from unigrad.serve.loaders import choose
from unigrad.serve.repository import chosen_versions

from .conftest import make_repo, reference

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_toml_config_reads_every_knob(tmp_path):
    (tmp_path / "config.toml").write_text("""
max_batch_size = 16
allowed_batch_sizes = [1, 4, 16]
device = "cpu"
[dynamic_batching]
max_queue_delay_us = 250
preferred_batch_sizes = [4]
max_queue_size = 10
[version_policy]
specific = [1, 3]
[version_labels]
stable = 3
[[inputs]]
name = "image"
image = { channels = 1, height = 28, width = 28, mean = 0.1307, std = 0.3081 }
[[outputs]]
labels = ["a", "b"]
""")
    cfg = load_config(str(tmp_path))
    assert (cfg.max_batch_size, cfg.allowed_batch_sizes, cfg.max_queue_delay_us, cfg.preferred_batch_sizes,
            cfg.max_queue_size) == (16, [1, 4, 16], 250, [4], 10)
    assert cfg.version_policy == ("specific", [1, 3]) and cfg.version_labels == {"stable": 3}
    assert cfg.inputs[0].name == "image"
    assert cfg.inputs[0].image == ImagePreprocess(1, 28, 28, 1 / 255, 0.1307, 0.3081)
    assert cfg.outputs[0].labels == ["a", "b"] and cfg.outputs[0].name is None
    assert cfg.batch_sizes(16) == [1, 4, 16]
    assert parse_config({}).batch_sizes(24) == [1, 2, 4, 8, 16, 24]


@pytest.mark.parametrize("doc,words", [
    ({"max_batch_sise": 4}, "unknown key max_batch_sise; did you mean max_batch_size?"),
    ({"max_batch_size": -1}, "max_batch_size must be an integer >= 0"),
    ({"max_batch_size": True}, "max_batch_size must be an integer"),
    ({"dynamic_batching": {"max_queue_delay": 5}}, "did you mean dynamic_batching.max_queue_delay_us?"),
    ({"version_policy": {"latest": 1, "all": True}}, "exactly one of"),
    ({"version_policy": {"latest": 0}}, "version_policy.latest must be an integer >= 1"),
    ({"max_batch_size": 8, "allowed_batch_sizes": [1, 4]}, "largest of allowed_batch_sizes"),
    ({"max_batch_size": 8, "dynamic_batching": {"preferred_batch_sizes": [16]}}, "exceed max_batch_size"),
    ({"inputs": [{"image": {"channels": 2}}]}, "channels must be 1 (grey) or 3 (RGB)"),
    ({"inputs": [{"image": {"std": 0}}]}, "std must be a number other than 0"),
    ({"outputs": [{"labels": [1, 2]}]}, "labels must be a list of strings"),
])
def test_config_errors_name_the_file_and_key(doc, words):
    with pytest.raises(ConfigError) as info:
        parse_config(doc, "models/m/config.json")
    assert "models/m/config.json" in str(info.value) and words in str(info.value)


def test_unreadable_config_files_say_where(tmp_path):
    (tmp_path / "config.json").write_text('{\n  "max_batch_size": 4,\n}')
    with pytest.raises(ConfigError, match=r"config.json:3:1: not valid JSON"):
        load_config(str(tmp_path))
    (tmp_path / "config.json").unlink()
    (tmp_path / "config.toml").write_text("max_batch_size = \n")
    with pytest.raises(ConfigError, match=r"config.toml: not valid TOML: .*line 1"):
        load_config(str(tmp_path))
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ConfigError, match="both config.toml and config.json"):
        load_config(str(tmp_path))


def test_version_policies_choose_like_tf_serving():
    assert chosen_versions(("latest", 1), [1, 5, 3]) == [5]
    assert chosen_versions(("latest", 2), [1, 5, 3]) == [3, 5]
    assert chosen_versions(("all",), [1, 5, 3]) == [1, 3, 5]
    assert chosen_versions(("specific", [1, 4]), [1, 5, 3]) == [1]


def test_loaders_choose_by_file_kind(tmp_path, graphs):
    cfg = parse_config({})
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelLoadError, match="no model file found"):
        choose(str(tmp_path / "empty"), cfg)
    onnx_only = tmp_path / "onnx"
    onnx_only.mkdir()
    (onnx_only / "model.onnx").write_bytes(b"")
    loader, path = choose(str(onnx_only), cfg)
    with pytest.raises(ModelLoadError, match="model.onnx' is empty, not an ONNX model"):
        loader.load(path, "cpu")
    weights = tmp_path / "weights"
    weights.mkdir()
    ug.save({"w": ug.ones(2)}, str(weights / "model.safetensors"))
    loader, path = choose(str(weights), cfg)
    with pytest.raises(ModelLoadError, match="holds weights but no graph"):
        loader.load(path, "cpu")
    two = tmp_path / "two"
    two.mkdir()
    for n in ("a.safetensors", "b.safetensors"):
        (two / n).write_bytes(b"")
    with pytest.raises(ModelLoadError, match="several unigrad_graph files"):
        choose(str(two), cfg)
    assert choose(str(two), parse_config({"model_file": "b.safetensors"}))[1].endswith("b.safetensors")


def test_command_line_serves_until_sigterm(tmp_path, graphs):
    repo = make_repo(tmp_path, {"half_plus_two": (graphs["half_plus_two"], None)})
    proc = subprocess.Popen([sys.executable, "-m", "unigrad.cli", "serve", repo, "--port", "0", "--no-grpc",
                             "--poll-interval", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=ROOT)
    try:
        first = proc.stdout.readline()
        assert first.startswith("unigrad serve: REST") and "http://127.0.0.1:" in first
        url = first.split(" on ")[-1].strip()
        assert proc.stdout.readline().strip() == "unigrad serve: model half_plus_two: ready, version 1"
        r = requests.post(f"{url}/v1/models/half_plus_two:predict", json={"instances": [1.0, 2.0, 5.0]})
        assert r.json() == {"predictions": [2.5, 3.0, 4.5]}
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    finally:
        proc.kill()
        proc.wait()


def test_command_line_refuses_what_it_cannot_serve(tmp_path):
    run = [sys.executable, "-m", "unigrad.cli", "serve"]
    out = subprocess.run(run + [str(tmp_path / "missing")], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 2 and "is not a folder" in out.stderr
    env = dict(os.environ, UNIGRAD_MODELS=str(tmp_path / "none"))
    out = subprocess.run(run + ["--example"], capture_output=True, text=True, cwd=ROOT, env=env)
    assert out.returncode == 2 and "python examples/mnist_mlp.py" in out.stderr


def test_example_serves_the_demo_model_with_its_preprocessing(tmp_path, graphs, monkeypatch, serve):
    from unigrad.serve.example import example_model_path, example_source
    from unigrad.serve.server import Server
    monkeypatch.setenv("UNIGRAD_MODELS", str(tmp_path))
    path = example_model_path()
    os.makedirs(os.path.dirname(path))
    os.link(graphs["lenet"], path)
    source = example_source()
    server = Server(sources=lambda: [source], port=0, grpc_port=None, poll_interval=0).start()
    try:
        server.wait_until_loaded()
        meta = requests.get(f"{server.rest_url}/v1/models/mnist/metadata").json()
        sig = meta["metadata"]["signature_def"]["signature_def"]["serving_default"]
        assert list(sig["inputs"]) == ["image"] and list(sig["outputs"]) == ["logits"]
        x = np.zeros((1, 1, 28, 28), np.float32)
        r = requests.post(f"{server.rest_url}/v1/models/mnist:predict", json={"instances": x.tolist()})
        np.testing.assert_allclose(r.json()["predictions"], reference(graphs["lenet"], x), rtol=1e-5, atol=1e-5)
    finally:
        server.stop()
