"""ONNX import: LeNet written by torch.onnx.export, imported with ug.onnx.load and run compiled,
against onnxruntime on the same file, batch 1 and batch 64, in one process, printing ratios.

    python bench/bench_onnx.py [--write docs/benchmarks.md]

onnxruntime runs with one intra-op thread (the thread count unigrad's compiled plan uses at
batch 1) and with two (its default on this 2-core machine). Candidates are interleaved in
rounds (bench/harness.py); medians and the fastest rounds are shown."""
import argparse
import io
import os
import sys
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import torch  # noqa: E402

from harness import interleaved  # noqa: E402
import unigrad as ug  # noqa: E402
import unigrad.onnx  # noqa: E402,F401

torch.set_num_threads(2)


def _torch_lenet_file():
    """Caffe's LeNet as torch writes it (legacy exporter, symbolic batch)."""
    nn = torch.nn
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 20, 5), nn.MaxPool2d(2), nn.Conv2d(20, 50, 5), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(800, 500), nn.ReLU(), nn.Linear(500, 10)).eval()
    f = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (torch.zeros(1, 1, 28, 28),), f, dynamo=False, input_names=["x"], output_names=["y"],
                          dynamic_axes={"x": {0: "batch"}}, opset_version=17)
    return model, f.getvalue()


def _ort_session(model_bytes, threads):
    import onnxruntime as ort
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    return ort.InferenceSession(model_bytes, opts, providers=["CPUExecutionProvider"])


def bench_inference(batch, model_bytes, model):
    x = np.random.default_rng(batch).standard_normal((batch, 1, 28, 28)).astype(np.float32)
    net = ug.onnx.load(model_bytes)
    ux = ug.tensor(x)
    ort1, ort2 = _ort_session(model_bytes, 1), _ort_session(model_bytes, 2)
    with ug.no_grad():
        got = net(ux).numpy()
    with torch.no_grad():
        np.testing.assert_allclose(got, model(torch.from_numpy(x)).numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(got, ort1.run(None, {"x": x})[0], rtol=1e-4, atol=1e-5)

    def run_imported():
        with ug.no_grad():
            net(ux)
    r = interleaved({"imported, compiled": run_imported, "onnxruntime": lambda: ort1.run(None, {"x": x}),
                     "onnxruntime 2 threads": lambda: ort2.run(None, {"x": x})},
                    rounds=9, calls=50 if batch == 1 else 10)
    return r.scaled(1e3)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", help="write the markdown table into this file")
    args = parser.parse_args()
    model, model_bytes = _torch_lenet_file()
    lines = ["| benchmark | unit | imported, compiled | onnxruntime (1 thread) | onnxruntime (2 threads) | "
             "imported / onnxruntime | best rounds | vs 2 threads | target |", "|---|---|---|---|---|---|---|---|---|"]
    for batch, target in ((1, 1.3), (64, 1.3)):
        r = bench_inference(batch, model_bytes, model)
        ratio = r["imported, compiled"] / r["onnxruntime"]
        best = r.best["imported, compiled"] / r.best["onnxruntime"]
        ratio2 = r["imported, compiled"] / r["onnxruntime 2 threads"]
        mark = f"≤ {target} " + ("✓" if ratio <= target else "✗")
        lines.append(f"| imported LeNet inference, batch {batch} | ms per forward | {r['imported, compiled']:.3g} | "
                     f"{r['onnxruntime']:.3g} | {r['onnxruntime 2 threads']:.3g} | {ratio:.2f} | {best:.2f} | "
                     f"{ratio2:.2f} | {mark} |")
    table = "\n".join(lines)
    import onnxruntime
    machine = (f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}, numpy {np.__version__}, "
               f"onnxruntime {onnxruntime.__version__}, torch {torch.__version__}")
    print(machine)
    print(table)
    if args.write:
        from bench_core import _write_section
        _write_section(args.write, machine, table, "onnx-bench", "python bench/bench_onnx.py --write docs/benchmarks.md")


if __name__ == "__main__":
    main()
