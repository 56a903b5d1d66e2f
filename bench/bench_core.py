"""Core-engine benchmarks: unigrad vs PyTorch 2.13 CPU eager in one process, printing ratios.

python bench/bench_core.py [--write docs/benchmarks.md]
"""
import argparse
import os
import platform
import subprocess
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
import unigrad as ug  # noqa: E402
from harness import interleaved, peak_mib  # noqa: E402

torch.set_num_threads(2)


def chain(lib, x):
    y = x
    for i in range(100):
        y = (y + x) if i % 3 == 0 else (y * 0.5) if i % 3 == 1 else y.tanh()
    return y.sum()


def bench_chain():
    xs = ug.randn(16, requires_grad=True)
    xt = torch.randn(16, requires_grad=True)

    def run_ug():
        xs.grad = None
        chain(ug, xs).backward()

    def run_t():
        xt.grad = None
        chain(torch, xt).backward()
    r = interleaved({"unigrad": run_ug, "torch": run_t})
    return r.scaled(1e6 / 100), "µs per op (fwd+bwd)"


def _mlp(nn):
    return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))


def _lenet(nn):
    return nn.Sequential(nn.Conv2d(1, 20, 5), nn.MaxPool2d(2), nn.Conv2d(20, 50, 5), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(800, 500), nn.ReLU(), nn.Linear(500, 10))


def _train_steps(build, shape, batch):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch,) + shape).astype(np.float32)
    y = rng.integers(0, 10, batch)
    m, tm = build(ug.nn), build(torch.nn)
    opt = ug.optim.SGD(m.parameters(), lr=0.01, momentum=0.9)
    topt = torch.optim.SGD(tm.parameters(), lr=0.01, momentum=0.9)
    ux, uy, tx, ty = ug.tensor(x), ug.tensor(y), torch.tensor(x), torch.tensor(y)

    def step_ug():
        loss = ug.nn.functional.cross_entropy(m(ux), uy)
        opt.zero_grad()
        loss.backward()
        opt.step()

    def step_t():
        loss = torch.nn.functional.cross_entropy(tm(tx), ty)
        topt.zero_grad()
        loss.backward()
        topt.step()
    r = interleaved({"unigrad": step_ug, "torch": step_t}, rounds=7, calls=5)
    return r.scaled(1e3), "ms per training step"


def _inference(batch):
    x = np.random.default_rng(0).standard_normal((batch, 1, 28, 28)).astype(np.float32)
    m, tm = _lenet(ug.nn).eval(), _lenet(torch.nn).eval()
    ux, tx = ug.tensor(x), torch.tensor(x)

    def run_ug():
        with ug.no_grad():
            m(ux)

    def run_t():
        with torch.no_grad():
            tm(tx)
    r = interleaved({"unigrad": run_ug, "torch": run_t}, rounds=7, calls=20)
    return r.scaled(1e3), "ms per forward"


def _subprocess_seconds(code, repeats=5):
    times = []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return sorted(times)[len(times) // 2]


def bench_import():
    code = "import time; t=time.perf_counter(); import {}; print(time.perf_counter()-t)"
    return {"unigrad": _subprocess_seconds(code.format("unigrad")) * 1e3,
            "torch": _subprocess_seconds(code.format("torch")) * 1e3}, "ms to import"


MEMORY_SCRIPT = r"""
import sys, numpy as np
def peak_mib():
    # VmHWM belongs to this exec'd image; ru_maxrss would include the parent's peak from before exec
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
base = peak_mib()
lib = sys.argv[1]
if lib == "torch":
    import torch as L; import torch.nn as nn; torch = L; torch.set_num_threads(2); F = torch.nn.functional
else:
    import unigrad as L; nn = L.nn; F = L.nn.functional
m = nn.Sequential(nn.Conv2d(1, 20, 5), nn.MaxPool2d(2), nn.Conv2d(20, 50, 5), nn.MaxPool2d(2), nn.Flatten(),
                  nn.Linear(800, 500), nn.ReLU(), nn.Linear(500, 10))
opt = L.optim.SGD(m.parameters(), lr=0.01, momentum=0.9)
x = L.tensor(np.random.default_rng(0).standard_normal((64, 1, 28, 28)).astype(np.float32))
y = L.tensor(np.random.default_rng(1).integers(0, 10, 64))
for _ in range(20):
    loss = F.cross_entropy(m(x), y); opt.zero_grad(); loss.backward(); opt.step()
print(peak_mib())
"""


def bench_memory():
    return {lib: peak_mib(MEMORY_SCRIPT, lib) for lib in ("unigrad", "torch")}, \
        "MiB peak RSS of a LeNet training process (20 steps)"


def _cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_line():
    """The machine and library versions every benchmark table is headed with."""
    return (f"{_cpu_name()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"numpy {np.__version__}, torch {torch.__version__}")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", help="write the markdown table to this file")
    args = parser.parse_args()
    rows = [
        ("(a) chain of 100 small ops, fwd+bwd", bench_chain(), 0.7),
        ("(b) MLP 784-512-512-10 train step, batch 128", _train_steps(_mlp, (784,), 128), 1.0),
        ("(c) LeNet train step, batch 64", _train_steps(_lenet, (1, 28, 28), 64), 1.1),
        ("(d) LeNet inference, batch 1", _inference(1), None),
        ("(d) LeNet inference, batch 64", _inference(64), 0.8),
        ("(e) import time", bench_import(), 0.2),
        ("(f) peak memory, LeNet training", bench_memory(), 0.5),
    ]
    lines = ["| benchmark | unit | unigrad | PyTorch 2.13 | ratio | best rounds | target |",
             "|---|---|---|---|---|---|---|"]
    for name, (r, unit), target in rows:
        ratio = r["unigrad"] / r["torch"]
        best = getattr(r, "best", None)
        best_ratio = f"{best['unigrad'] / best['torch']:.2f}" if best else "—"
        mark = "" if target is None else (f"≤ {target} " + ("✓" if ratio <= target else "✗"))
        lines.append(f"| {name} | {unit} | {r['unigrad']:.3g} | {r['torch']:.3g} | {ratio:.2f} | {best_ratio} | {mark} |")
    table = "\n".join(lines)
    machine = machine_line()
    print(machine)
    print(table)
    if args.write:
        _write_section(args.write, machine, table)


def _write_section(path, machine, table, tag="core-bench", command="python bench/bench_core.py --write docs/benchmarks.md"):
    """Replace the generated block of docs/benchmarks.md, keeping the hand-written analysis around it."""
    BEGIN, END = f"<!-- {tag}:begin -->", f"<!-- {tag}:end -->"
    block = (f"{BEGIN}\nMachine: {machine}.\nCommand: `{command}`. "
             f"Medians of interleaved rounds in one process (best rounds: the ratio of the fastest rounds)."
             f"\n\n{table}\n{END}")
    text = open(path).read() if os.path.exists(path) else "# Benchmarks\n\n"
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


if __name__ == "__main__":
    main()
