"""Compiled-graph benchmarks (issue 3): ug.jit vs unigrad eager vs PyTorch 2.13 eager CPU, and
compiled LeNet inference vs onnxruntime, in one process, printing ratios.

python bench/bench_graph.py [--write docs/benchmarks.md]
"""
import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
import unigrad as ug  # noqa: E402
from bench_core import _cpu_name, _lenet, _mlp, chain  # noqa: E402
from harness import interleaved, peak_mib  # noqa: E402

torch.set_num_threads(2)


def bench_chain():
    xs = ug.randn(16)
    xt = torch.randn(16, requires_grad=True)

    def grad_of(x):
        x = x.detach().requires_grad_(True)
        (g,) = ug.autograd.grad(chain(ug, x), x)
        return g
    compiled = ug.jit(grad_of)

    def run_t():
        xt.grad = None
        chain(torch, xt).backward()
    r = interleaved({"compiled": lambda: compiled(xs), "eager": lambda: grad_of(xs), "torch": run_t})
    return r.scaled(1e6 / 100), "µs per op (fwd+bwd)"


def _train(build, shape, batch):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch,) + shape).astype(np.float32)
    y = rng.integers(0, 10, batch)
    ug.manual_seed(0)
    m, m2, tm = build(ug.nn), build(ug.nn), build(torch.nn)
    opt = ug.optim.SGD(m.parameters(), lr=0.01, momentum=0.9)
    opt2 = ug.optim.SGD(m2.parameters(), lr=0.01, momentum=0.9)
    topt = torch.optim.SGD(tm.parameters(), lr=0.01, momentum=0.9)
    ux, uy, tx, ty = ug.tensor(x), ug.tensor(y), torch.tensor(x), torch.tensor(y)

    def step_for(model, o):
        def step(a, b):
            loss = ug.nn.functional.cross_entropy(model(a), b)
            o.zero_grad()
            loss.backward()
            o.step()
            return loss
        return step
    compiled = ug.jit(step_for(m, opt))
    eager = step_for(m2, opt2)

    def step_t():
        loss = torch.nn.functional.cross_entropy(tm(tx), ty)
        topt.zero_grad()
        loss.backward()
        topt.step()
    r = interleaved({"compiled": lambda: compiled(ux, uy), "eager": lambda: eager(ux, uy), "torch": step_t},
                    rounds=7, calls=5)
    return r.scaled(1e3), "ms per training step"


def bench_mlp_gemm_floor():
    """The MLP step's five large GEMMs alone (NumPy/OpenBLAS, same shapes and layouts) against
    PyTorch's whole step: the part of the ratio no executor can remove."""
    rng = np.random.default_rng(0)

    def f(*shape):
        return rng.standard_normal(shape).astype(np.float32)
    x, w1, w2, h, g = f(128, 784), f(512, 784), f(512, 512), f(128, 512), f(128, 512)
    out1, out2, out3, gw1, gw2 = (np.empty(s, np.float32) for s in ((128, 512), (128, 512), (128, 512),
                                                                     (512, 784), (512, 512)))

    def gemms():
        np.matmul(x, w1.T, out=out1)
        np.matmul(h, w2.T, out=out2)
        np.matmul(g, w2, out=out3)
        np.matmul(g.T, h, out=gw2)
        np.matmul(g.T, x, out=gw1)
    tm = _mlp(torch.nn)
    topt = torch.optim.SGD(tm.parameters(), lr=0.01, momentum=0.9)
    tx, ty = torch.tensor(x), torch.tensor(rng.integers(0, 10, 128))

    def step_t():
        loss = torch.nn.functional.cross_entropy(tm(tx), ty)
        topt.zero_grad()
        loss.backward()
        topt.step()
    return interleaved({"compiled": gemms, "torch": step_t}, rounds=7, calls=5).scaled(1e3), "ms (GEMMs only)"


def _lenet_onnx(model):
    """LeNet as an ONNX graph with this model's weights (built with onnx.helper for the oracle)."""
    import onnx
    from onnx import helper, numpy_helper, TensorProto
    w = [p.detach().numpy() for p in model.parameters()]
    names = ["c1w", "c1b", "c2w", "c2b", "f1w", "f1b", "f2w", "f2b"]
    inits = [numpy_helper.from_array(a, n) for a, n in zip(w, names)]
    inits.append(numpy_helper.from_array(np.array([0, -1], dtype=np.int64), "shape"))
    nodes = [helper.make_node("Conv", ["x", "c1w", "c1b"], ["a"]),
             helper.make_node("MaxPool", ["a"], ["b"], kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("Conv", ["b", "c2w", "c2b"], ["c"]),
             helper.make_node("MaxPool", ["c"], ["d"], kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("Reshape", ["d", "shape"], ["e"]),
             helper.make_node("Gemm", ["e", "f1w", "f1b"], ["f"], transB=1),
             helper.make_node("Relu", ["f"], ["g"]),
             helper.make_node("Gemm", ["g", "f2w", "f2b"], ["y"], transB=1)]
    graph = helper.make_graph(nodes, "lenet", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 1, 28, 28])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 10])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString()


def _ort_session(model_bytes, threads):
    import onnxruntime as ort
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    return ort.InferenceSession(model_bytes, opts, providers=["CPUExecutionProvider"])


def _inference(batch):
    x = np.random.default_rng(0).standard_normal((batch, 1, 28, 28)).astype(np.float32)
    m, tm = _lenet(ug.nn).eval(), _lenet(torch.nn).eval()
    ux, tx = ug.tensor(x), torch.tensor(x)
    compiled = ug.jit.trace(m, (ux,))
    model_bytes = _lenet_onnx(m)
    # onnxruntime with one intra-op thread (unigrad's plan runs on one thread at batch 1) and with
    # two (its default here: both cores, worker threads spinning between runs)
    ort1, ort2 = _ort_session(model_bytes, 1), _ort_session(model_bytes, 2)
    with ug.no_grad():
        np.testing.assert_allclose(ort1.run(None, {"x": x})[0], compiled(ux).numpy(), rtol=1e-4, atol=1e-4)

    def run_compiled():
        with ug.no_grad():  # inference, as torch below and onnxruntime
            compiled(ux)

    def run_t():
        with torch.no_grad():
            tm(tx)
    r = interleaved({"compiled": run_compiled, "onnxruntime": lambda: ort1.run(None, {"x": x}),
                     "onnxruntime 2 threads": lambda: ort2.run(None, {"x": x}), "torch": run_t},
                    rounds=9, calls=50 if batch == 1 else 10)
    return r.scaled(1e3), "ms per forward"


MEMORY_SCRIPT = r"""
import sys, numpy as np, unigrad as ug
def peak_mib():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
nn = ug.nn
m = nn.Sequential(nn.Conv2d(1, 20, 5), nn.MaxPool2d(2), nn.Conv2d(20, 50, 5), nn.MaxPool2d(2), nn.Flatten(),
                  nn.Linear(800, 500), nn.ReLU(), nn.Linear(500, 10))
opt = ug.optim.SGD(m.parameters(), lr=0.01, momentum=0.9)
x = ug.tensor(np.random.default_rng(0).standard_normal((64, 1, 28, 28)).astype(np.float32))
y = ug.tensor(np.random.default_rng(1).integers(0, 10, 64))
def step(a, b):
    loss = ug.nn.functional.cross_entropy(m(a), b); opt.zero_grad(); loss.backward(); opt.step(); return loss
run = ug.jit(step) if sys.argv[1] == "compiled" else step
for _ in range(21):
    run(x, y)
print(peak_mib())
"""


def bench_memory():
    return {mode: peak_mib(MEMORY_SCRIPT, mode) for mode in ("compiled", "eager")}, \
        "MiB peak RSS, LeNet training process"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", help="write the markdown table into this file")
    args = parser.parse_args()
    rows = [
        ("chain of 100 small ops, fwd+bwd", bench_chain(), "torch", 0.35),
        ("MLP 784-512-512-10 train step, batch 128", _train(_mlp, (784,), 128), "torch", 0.85),
        ("MLP step's five large GEMMs alone (floor)", bench_mlp_gemm_floor(), "torch", None),
        ("LeNet train step, batch 64", _train(_lenet, (1, 28, 28), 64), "torch", 0.9),
        ("LeNet inference, batch 1", _inference(1), "onnxruntime", 1.3),
        ("LeNet inference, batch 64", _inference(64), "onnxruntime", None),
        ("peak memory of a training step", bench_memory(), "eager", 1.0),
    ]
    lines = ["| benchmark | unit | compiled | eager unigrad | reference | compiled / reference | best rounds | target |",
             "|---|---|---|---|---|---|---|---|"]
    for name, (r, unit), ref, target in rows:
        ratio = r["compiled"] / r[ref]
        best = getattr(r, "best", None)
        best_ratio = f"{best['compiled'] / best[ref]:.2f}" if best else "—"
        eager = f"{r['eager']:.3g}" if "eager" in r else "—"
        refs = ", ".join(f"{k} {r[k]:.3g}" for k in r if k not in ("compiled", "eager") or k == ref)
        mark = "" if target is None else (f"≤ {target} " + ("✓" if ratio <= target else "✗"))
        if "onnxruntime 2 threads" in r:
            ratio2 = r["compiled"] / r["onnxruntime 2 threads"]
            mark = (mark + "; " if mark else "") + f"{ratio2:.2f} vs onnxruntime 2 threads"
        lines.append(f"| {name} | {unit} | {r['compiled']:.3g} | {eager} | {refs} | {ratio:.2f} ({ref}) | {best_ratio} "
                     f"| {mark} |")
    table = "\n".join(lines)
    machine = f"{_cpu_name()}, {os.cpu_count()} cores, numpy {np.__version__}, torch {torch.__version__}"
    print(machine)
    print(table)
    if args.write:
        from bench_core import _write_section
        _write_section(args.write, machine, table, "graph-bench",
                       "python bench/bench_graph.py --write docs/benchmarks.md")


if __name__ == "__main__":
    main()
