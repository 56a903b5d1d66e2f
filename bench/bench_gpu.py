"""GPU check: LeNet training step and inference on CUDA, unigrad eager and compiled vs PyTorch CUDA.

python bench/bench_gpu.py   (needs CuPy and a GPU; prints ms per step)
"""
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import unigrad as ug  # noqa: E402
from bench_core import _lenet  # noqa: E402


def timed(fn, sync, n=50):
    for _ in range(5):
        fn()
    sync()
    start = time.perf_counter()
    for _ in range(n):
        fn()
    sync()
    return (time.perf_counter() - start) / n * 1e3


def main():
    if not ug.cuda.is_available():
        print("no CUDA device")
        return
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 1, 28, 28)).astype(np.float32)
    y = rng.integers(0, 10, 64)
    ux, uy = ug.tensor(x, device="cuda"), ug.tensor(y, device="cuda")
    results = {}
    for mode in ("eager", "compiled"):
        m = _lenet(ug.nn).to("cuda")
        opt = ug.optim.SGD(m.parameters(), lr=0.01, momentum=0.9)

        def step(a, b, m=m, opt=opt):
            loss = ug.nn.functional.cross_entropy(m(a), b)
            opt.zero_grad()
            loss.backward()
            opt.step()
            return loss
        run = ug.jit(step) if mode == "compiled" else step
        results[f"unigrad {mode} train step"] = timed(lambda: run(ux, uy), ug.cuda.synchronize)
        infer = ug.jit.trace(m.eval(), (ux,)) if mode == "compiled" else (lambda a, m=m: m.eval()(a))
        with ug.no_grad():
            results[f"unigrad {mode} inference b64"] = timed(lambda: infer(ux), ug.cuda.synchronize)
    try:
        import torch
        if torch.cuda.is_available():
            tm = _lenet(torch.nn).cuda()
            topt = torch.optim.SGD(tm.parameters(), lr=0.01, momentum=0.9)
            tx, ty = torch.tensor(x).cuda(), torch.tensor(y).cuda()

            def tstep():
                loss = torch.nn.functional.cross_entropy(tm(tx), ty)
                topt.zero_grad()
                loss.backward()
                topt.step()
            results["torch train step"] = timed(tstep, torch.cuda.synchronize)
            with torch.no_grad():
                tm.eval()
                results["torch inference b64"] = timed(lambda: tm(tx), torch.cuda.synchronize)
    except ImportError:
        pass
    for k, v in results.items():
        print(f"{k:34s} {v:8.3f} ms")


if __name__ == "__main__":
    main()
