import importlib.util
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import unigrad as ug

ROOT = os.path.join(os.path.dirname(__file__), "..")
OFFLINE = {"HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
           "http_proxy": "http://127.0.0.1:9"}  # a proxy nobody listens on: every download fails at once


def run(script, *args, env=None, timeout=300):
    """The example's stdout; a failing example fails the test with its stderr (not just CalledProcessError)."""
    proc = subprocess.run([sys.executable, os.path.join(ROOT, "examples", script), *args], capture_output=True,
                          text=True, timeout=timeout, env=env)
    if proc.returncode != 0:
        pytest.fail(f"examples/{script} {' '.join(args)} exited with status {proc.returncode}; its stderr:\n"
                    f"{proc.stderr[-6000:]}", pytrace=False)
    return proc.stdout


def test_dynamic_graph_example_loss_falls():
    out = run("dynamic_graph.py")
    first, last = map(float, re.search(r"MSE fell from ([\d.]+) to ([\d.]+)", out).groups())
    assert last < 0.05 * first


def test_lenet_example_runs_a_few_steps_and_exports(tmp_path):
    out_file = tmp_path / "lenet.safetensors"
    out = run("mnist_lenet.py", "--data", ug.data.mnist.SUBSET_DIR, "--epochs", "1", "--limit", "30",
              "--out", str(out_file), timeout=600)
    acc = float(re.search(r"final test accuracy ([\d.]+)%", out).group(1))
    assert acc > 60.0 and out_file.exists()


def test_static_graph_example_converges():
    out = run("static_graph.py")
    w, b = map(float, re.search(r"W = ([-\d.]+) .* b = ([-\d.]+)", out).groups())
    assert abs(w - 0.1) < 1e-3 and abs(b - 0.3) < 1e-3


def test_main_job_offline_falls_back_to_the_shipped_subset_and_says_so(tmp_path, monkeypatch):
    """The README's main job on a machine with no MNIST and no network: it trains on the subset,
    and saves the graph `unigrad serve --example` serves."""
    env = {k: v for k, v in os.environ.items() if k not in ("UNIGRAD_DATA", "UNIGRAD_MODELS")}
    env.update(OFFLINE, HOME=str(tmp_path))  # an empty home: no cached MNIST
    logs = tmp_path / "logs"
    out = run("mnist_mlp.py", "--epochs", "1", "--limit", "41", "--out", str(tmp_path / "mlp.safetensors"),
              "--logdir", str(logs), env=env)
    assert "data: 6000 training / 1000 test images: the MNIST subset shipped with unigrad" in out
    assert "the download failed" in out and "UNIGRAD_DATA" in out
    accuracy = float(re.search(r"final test accuracy ([\d.]+)%", out).group(1))
    assert accuracy > 80.0
    reader = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
    events = reader.EventAccumulator(str(logs))
    events.Reload()
    assert [e.step for e in events.Scalars("train/loss")] == [0, 20, 40]
    assert events.Scalars("test/accuracy")[0].value == pytest.approx(accuracy / 100, abs=1e-4)
    assert "linear" in {n.op for n in events.Graph().node}
    check_served_graph(tmp_path, out, monkeypatch)


def check_served_graph(home, out, monkeypatch):
    """The graph is where `unigrad serve --example` looks, runs any batch size, and computes what
    the exported weights do in the eager model; so does the ONNX export beside it in onnxruntime."""
    from unigrad.serve.example import example_model_path, example_source
    from unigrad.serve.loaders.unigrad_graph import GraphRunner
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("UNIGRAD_MODELS", raising=False)
    path = example_model_path()
    assert path == str(home / ".cache" / "unigrad" / "models" / "mnist" / "1" / "model.safetensors")
    assert f"compiled graph for serving written to {path}; serve it with: unigrad serve --example" in out
    assert example_source() is not None
    assert sorted(os.listdir(os.path.dirname(path))) == ["model.onnx", "model.safetensors"]
    assert f"ONNX export for the web page written to {os.path.dirname(path)}/model.onnx" in out
    runner = GraphRunner(path, "cpu")
    assert runner.batch_axis and runner.inputs[0].shape == (-1, 1, 28, 28) and runner.outputs[0].shape == (-1, 10)
    spec = importlib.util.spec_from_file_location("mnist_mlp_example", os.path.join(ROOT, "examples", "mnist_mlp.py"))
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    model = example.build().eval()
    model.load_state_dict(ug.load(str(home / "mlp.safetensors")))
    import onnxruntime  # the export's oracle (the web page runs the same file in onnxruntime-web)
    session = onnxruntime.InferenceSession(os.path.join(os.path.dirname(path), "model.onnx"),
                                           providers=["CPUExecutionProvider"])
    x = ug.data.MNIST(ug.data.mnist.SUBSET_DIR, train=False)
    for n in (1, 3, 7):
        batch = np.stack([np.asarray(x[i][0].numpy()) for i in range(n)]).astype(np.float32)
        with ug.no_grad():
            eager = model(ug.tensor(batch)).numpy()
        np.testing.assert_allclose(runner.run([batch])[0], eager, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(session.run(None, {"image": batch})[0], eager, rtol=1e-4, atol=1e-5)


def test_a_data_folder_without_mnist_is_one_clear_line(tmp_path):
    env = dict(os.environ, **OFFLINE)
    proc = subprocess.run([sys.executable, os.path.join(ROOT, "examples", "mnist_mlp.py"), "--data", str(tmp_path),
                           "--epochs", "1"], capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert f"could not download MNIST file 'train-images-idx3-ubyte' into '{tmp_path}'" in proc.stderr
    assert "UNIGRAD_DATA" in proc.stderr


def test_a_failing_example_shows_its_stderr(tmp_path):
    script = tmp_path / "broken.py"
    script.write_text("import sys\nsys.stderr.write('the real reason\\n')\nsys.exit(3)\n")
    with pytest.raises(pytest.fail.Exception, match=r"(?s)exited with status 3.*the real reason"):
        run(str(script))
