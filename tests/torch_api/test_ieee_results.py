"""IEEE special values come back silently, as in PyTorch: no NumPy RuntimeWarning from inside
unigrad's ops, while the user's own NumPy code keeps its warnings. Run as a user runs a script
(a fresh interpreter importing unigrad at the top): pytest imports unigrad inside its own
catch_warnings, which drops the filter unigrad installs when that block ends."""
import subprocess
import sys

import numpy as np
import torch

EDGES = """
import numpy as np
import unigrad as ug
print(ug.log(ug.tensor([0.0, 1.0])).numpy().tolist())
print((ug.tensor([1.0, 0.0, -1.0]) / ug.tensor([0.0, 0.0, 0.0])).numpy().tolist())
print(ug.sqrt(ug.tensor([-1.0, 4.0])).numpy().tolist())
print(ug.exp(ug.tensor([1000.0, 0.0])).numpy().tolist())
x = ug.tensor([0.0, 2.0], requires_grad=True)
ug.log(x).sum().backward()
print(x.grad.numpy().tolist())
"""


def _run(code):
    done = subprocess.run([sys.executable, "-W", "default", "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done


def test_ops_at_their_edges_are_silent_and_match_torch():
    done = _run(EDGES)
    assert done.stderr == ""
    lines = [eval(line, {"nan": float("nan"), "inf": float("inf")}) for line in done.stdout.splitlines()]
    expected = [torch.log(torch.tensor([0.0, 1.0])), torch.tensor([1.0, 0.0, -1.0]) / torch.tensor([0.0, 0.0, 0.0]),
                torch.sqrt(torch.tensor([-1.0, 4.0])), torch.exp(torch.tensor([1000.0, 0.0])), torch.tensor([np.inf, 0.5])]
    for got, want in zip(lines, expected):
        np.testing.assert_array_equal(np.array(got, dtype=np.float32), want.numpy())


def test_numpy_outside_unigrad_still_warns():
    done = _run("import numpy as np\nimport unigrad\nnp.log(np.zeros(1))")
    assert "divide by zero encountered in log" in done.stderr

