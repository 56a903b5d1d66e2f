"""Caffe front door: LeNet (examples/caffe/lenet) timed as `unigrad caffe time` and `caffe train`
run it, beside PyTorch eager's LeNet step and real Caffe's published numbers on this machine.

    examples/caffe/lenet/create_mnist.sh DIR_WITH_MNIST      (once; the LMDBs the prototxt reads)
    python bench/bench_caffe.py [--train]                     (--train: also the full 10,000-iteration run)

Caffe (BVLC HEAD, CPU, OpenBLAS, this 2-core machine, quiet; issue 13): `caffe time` 19.6-21.3 ms
per forward-backward at batch 64; the stock solver 226-227 s for 10,000 iterations (22.6 ms each).
Candidates are interleaved in rounds (bench/harness.py); medians and the fastest rounds are shown,
since the shared VM's load moves medians."""
import argparse
import os
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import torch  # noqa: E402

from harness import interleaved  # noqa: E402
from unigrad import caffe  # noqa: E402
from unigrad.caffe import glog  # noqa: E402
from unigrad.caffe.timing import _whole_net_functions  # noqa: E402
from unigrad.core.grad_mode import no_grad  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LENET = os.path.join(ROOT, "examples", "caffe", "lenet")
CAFFE_TIME_MS = (19.6, 21.3)
CAFFE_ITER_MS = 22.6
CAFFE_TRAIN_S = 226.0


def _torch_lenet_step():
    """PyTorch eager: Caffe's LeNet, batch 64, SGD with momentum and weight decay (one step)."""
    nn = torch.nn
    model = nn.Sequential(nn.Conv2d(1, 20, 5), nn.MaxPool2d(2), nn.Conv2d(20, 50, 5), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(800, 500), nn.ReLU(), nn.Linear(500, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    rng = np.random.default_rng(0)
    x = torch.tensor(rng.random((64, 1, 28, 28), dtype=np.float32))
    y = torch.tensor(rng.integers(0, 10, 64))

    def step():
        loss = nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return step


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", action="store_true", help="also run the 10,000-iteration training once")
    args = parser.parse_args()
    if not os.path.isdir(os.path.join(LENET, "mnist_train_lmdb")):
        sys.exit("bench_caffe: no examples/caffe/lenet/mnist_train_lmdb; run examples/caffe/lenet/create_mnist.sh first")
    os.chdir(ROOT)
    glog.LOGGER.setLevel("WARNING")
    net = caffe.Net(os.path.join(LENET, "lenet_train_test.prototxt"), phase=caffe.TRAIN)
    plan, _, forward_backward = _whole_net_functions(net)

    def fwd_bwd():  # what `unigrad caffe time` times per iteration (data read included)
        feeds = net._source_feeds(plan, pull=True)
        with no_grad():
            out = forward_backward(*feeds, *net._draw_masks(plan))
        out[0].detach().numpy()

    solver = caffe.get_solver(os.path.join(LENET, "lenet_solver.prototxt"), keep_blobs=False)
    solver.param.test_interval = 0  # training iterations only
    solver.param.display = 0
    solver.param.snapshot = 0

    def solver_step():  # one training iteration as `caffe train` runs it (forward, backward, update)
        solver.step(1)

    # CPU seconds per call with one thread each (BLAS and torch): what the work costs, which the
    # neighbours' load moves much less than wall time
    from threadpoolctl import threadpool_limits
    candidates = {"caffe time fwd-bwd": fwd_bwd, "solver iteration": solver_step, "torch eager step": _torch_lenet_step()}
    torch.set_num_threads(1)
    cpu = {}
    with threadpool_limits(1, "blas"):
        for name, fn in candidates.items():
            for _ in range(5):
                fn()
            rounds = []
            for _ in range(3):
                start = time.process_time()
                for _ in range(20):
                    fn()
                rounds.append((time.process_time() - start) / 20 * 1e3)
            cpu[name] = min(rounds)
    torch.set_num_threads(os.cpu_count() or 1)
    r = interleaved({"caffe time fwd-bwd": fwd_bwd, "solver iteration": solver_step,
                     "torch eager step": _torch_lenet_step()}, rounds=7, calls=10).scaled(1e3)
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
    print("| LeNet, batch 64 | median ms | best round ms | vs Caffe | CPU ms, 1 thread |")
    print("|---|---|---|---|---|")
    rows = [("`unigrad caffe time` forward-backward", "caffe time fwd-bwd", sum(CAFFE_TIME_MS) / 2),
            ("`caffe train` iteration (fwd+bwd+update)", "solver iteration", CAFFE_ITER_MS),
            ("PyTorch eager step (fwd+bwd+SGD)", "torch eager step", CAFFE_ITER_MS)]
    for label, key, ref in rows:
        print(f"| {label} | {r[key]:.2f} | {r.best[key]:.2f} | {r[key] / ref:.2f}x (best {r.best[key] / ref:.2f}x) | "
              f"{cpu[key]:.2f} |")
    if args.train:
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "unigrad.cli", "caffe", "train",
                              f"--solver={os.path.join('examples', 'caffe', 'lenet', 'lenet_solver.prototxt')}"],
                             capture_output=True, text=True, cwd=ROOT)
        wall = time.perf_counter() - start
        accuracy = [line.split("=")[-1].strip() for line in out.stderr.splitlines()
                    if "Test net output" in line and "accuracy" in line]
        load = os.getloadavg()
        print(f"caffe train, 10,000 iterations: {wall:.1f} s wall ({wall / CAFFE_TRAIN_S:.2f}x Caffe's 226 s), "
              f"final test accuracy {accuracy[-1] if accuracy else '?'}, exit {out.returncode}, "
              f"load after {load[0]:.2f}")


if __name__ == "__main__":
    main()
