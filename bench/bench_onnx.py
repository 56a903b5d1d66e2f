"""ONNX import: LeNet written by torch.onnx.export, imported with ug.onnx.load and run compiled,
against onnxruntime on the same file, batch 1 and batch 64, in one process, printing ratios.

    python bench/bench_onnx.py [--write docs/benchmarks.md]

Each thread count runs in its own process with the same count on both sides: BLAS
(OPENBLAS/OMP_NUM_THREADS, read when NumPy loads) for unigrad and intra_op_num_threads for
onnxruntime, 1 and 2 on this 2-core machine. Candidates are interleaved in rounds
(bench/harness.py); medians and the fastest rounds are shown."""
import argparse
import io
import json
import os
import subprocess
import sys
import warnings

if "--child" in sys.argv:  # (the thread count must be in the environment before NumPy loads BLAS)
    _threads = sys.argv[sys.argv.index("--child") + 1]
    os.environ.update(OPENBLAS_NUM_THREADS=_threads, OMP_NUM_THREADS=_threads, MKL_NUM_THREADS=_threads)

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import torch  # noqa: E402

from bench_core import _lenet  # noqa: E402
from harness import interleaved  # noqa: E402
import unigrad as ug  # noqa: E402
import unigrad.onnx  # noqa: E402,F401

torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))  # (after bench_core's import, which sets 2)


def _torch_lenet_file():
    """Caffe's LeNet as torch writes it (legacy exporter, symbolic batch)."""
    torch.manual_seed(0)
    model = _lenet(torch.nn).eval()
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


def bench_inference(batch, model_bytes, model, threads):
    x = np.random.default_rng(batch).standard_normal((batch, 1, 28, 28)).astype(np.float32)
    net = ug.onnx.load(model_bytes)
    ux = ug.tensor(x)
    session = _ort_session(model_bytes, threads)
    with ug.no_grad():
        got = net(ux).numpy()
    with torch.no_grad():
        np.testing.assert_allclose(got, model(torch.from_numpy(x)).numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(got, session.run(None, {"x": x})[0], rtol=1e-4, atol=1e-5)

    native = ug.jit(_lenet(ug.nn).eval())  # the same net built in unigrad: what the import is measured against

    def run_imported():
        with ug.no_grad():
            net(ux)

    def run_native():
        with ug.no_grad():
            native(ux)
    r = interleaved({"imported": run_imported, "onnxruntime": lambda: session.run(None, {"x": x}),
                     "ug.jit": run_native}, rounds=9, calls=50 if batch == 1 else 10)
    return r.scaled(1e3)


def child(threads):
    model, model_bytes = _torch_lenet_file()
    rows = {}
    for batch in (1, 64):
        r = bench_inference(batch, model_bytes, model, threads)
        rows[batch] = {"median": dict(r), "best": dict(r.best)}
    print(json.dumps(rows))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", help="write the markdown table into this file")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child)
    lines = ["| benchmark | threads | unit | imported, compiled | onnxruntime | ug.jit of the same net built in unigrad | "
             "imported / onnxruntime | best rounds | imported / ug.jit | target |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for threads in (1, 2):
        done = subprocess.run([sys.executable, __file__, "--child", str(threads)], capture_output=True, text=True,
                              check=True)
        rows = json.loads(done.stdout.strip().splitlines()[-1])
        for batch, r in rows.items():
            ratio = r["median"]["imported"] / r["median"]["onnxruntime"]
            best = r["best"]["imported"] / r["best"]["onnxruntime"]
            mark = "≤ 1.3 " + ("✓" if ratio <= 1.3 else "✗")
            lines.append(f"| imported LeNet inference, batch {batch} | {threads} | ms per forward | "
                         f"{r['median']['imported']:.3g} | {r['median']['onnxruntime']:.3g} | {r['median']['ug.jit']:.3g} | "
                         f"{ratio:.2f} | {best:.2f} | {r['median']['imported'] / r['median']['ug.jit']:.2f} | {mark} |")
    table = "\n".join(lines)
    import onnxruntime
    machine = (f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f} (1-minute average after the run), numpy "
               f"{np.__version__}, onnxruntime {onnxruntime.__version__}, torch {torch.__version__}")
    print(machine)
    print(table)
    if args.write:
        from bench_core import _write_section
        _write_section(args.write, machine, table, "onnx-bench", "python bench/bench_onnx.py --write docs/benchmarks.md")


if __name__ == "__main__":
    main()
