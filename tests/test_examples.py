import os
import re
import subprocess
import sys

ROOT = os.path.join(os.path.dirname(__file__), "..")


def test_dynamic_graph_example_loss_falls():
    out = subprocess.run([sys.executable, os.path.join(ROOT, "examples", "dynamic_graph.py")], capture_output=True,
                         text=True, check=True, timeout=300).stdout
    first, last = map(float, re.search(r"MSE fell from ([\d.]+) to ([\d.]+)", out).groups())
    assert last < 0.05 * first


def test_lenet_example_runs_a_few_steps_and_exports(tmp_path):
    out_file = tmp_path / "lenet.safetensors"
    out = subprocess.run([sys.executable, os.path.join(ROOT, "examples", "mnist_lenet.py"), "--epochs", "1",
                          "--limit", "30", "--out", str(out_file)], capture_output=True, text=True, check=True,
                         timeout=600).stdout
    acc = float(re.search(r"final test accuracy ([\d.]+)%", out).group(1))
    assert acc > 60.0 and out_file.exists()


def test_static_graph_example_converges():
    out = subprocess.run([sys.executable, os.path.join(ROOT, "examples", "static_graph.py")], capture_output=True,
                         text=True, check=True, timeout=300).stdout
    w, b = map(float, re.search(r"W = ([-\d.]+) .* b = ([-\d.]+)", out).groups())
    assert abs(w - 0.1) < 1e-3 and abs(b - 0.3) < 1e-3
