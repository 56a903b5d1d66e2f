"""Data-parallel training on this machine: allreduce time per bucket size, compute and step time
per model, how much of the reduction hides behind backward, and PyTorch DDP (gloo) in the same
run for ratios. docs/distributed.md builds its scaling model on these numbers.

    python bench/bench_distributed.py            # 2 ranks (mpiexec with python -m mpi4py)
    python bench/bench_distributed.py --ranks 3 --steps 40

Each rank runs one thread (OMP_NUM_THREADS=1), so 2 ranks use this machine's 2 cores. Times
are medians over the timed steps; a collective's time is the slowest rank's.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIZES = [10**3, 10**4, 10**5, 10**6, 4 * 10**6, 10**7]  # float32 elements per allreduce


# ---- the models (the same layers in unigrad and PyTorch) --------------------------------------
def mlp(nn):
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(),
                         nn.Linear(256, 10))


def lenet(nn):  # Caffe's LeNet (examples/mnist/lenet_train_test.prototxt)
    return nn.Sequential(nn.Conv2d(1, 20, 5), nn.MaxPool2d(2, 2), nn.Conv2d(20, 50, 5), nn.MaxPool2d(2, 2),
                         nn.Flatten(), nn.Linear(800, 500), nn.ReLU(), nn.Linear(500, 10))


MODELS = {"mlp": mlp, "lenet": lenet}


# ---- the worker (one per rank) -------------------------------------------------------------
def _median_max(comm, samples):
    """Median over samples of the slowest rank's time."""
    from mpi4py import MPI
    worst = [comm.allreduce(s, op=MPI.MAX) for s in samples]  # (a few floats: the pickle path is fine here)
    return statistics.median(worst)


def allreduce_times(group, comm, repeats):
    import numpy as np
    from unigrad.backend.process_group import ReduceOp
    out = {}
    for n in SIZES:
        buf = np.ones(n, np.float32)
        for _ in range(3):
            group.all_reduce(buf, ReduceOp.AVG)
        samples = []
        for _ in range(repeats):
            comm.Barrier()
            t0 = time.perf_counter()
            group.all_reduce(buf, ReduceOp.AVG)
            samples.append(time.perf_counter() - t0)
        out[n] = _median_max(comm, samples)
    return out


def _replica(lib, name, batch, rank):
    """The same model, DDP wrapper, optimizer and this rank's batch in unigrad or PyTorch (lib)."""
    import numpy as np
    lib.manual_seed(0)
    net = MODELS[name](lib.nn)
    model = lib.nn.parallel.DistributedDataParallel(net)
    opt = lib.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    rng = np.random.default_rng(rank)
    x = lib.tensor(rng.standard_normal((batch, 1, 28, 28)).astype(np.float32))
    return net, model, opt, x, lib.tensor(rng.integers(0, 10, batch))


def unigrad_steps(name, batch, steps, comm, compiled):
    import unigrad as ug
    net, model, opt, x, y = _replica(ug, name, batch, comm.Get_rank())

    def step(x, y):
        opt.zero_grad()
        loss = ug.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    run = ug.jit(step) if compiled else step
    times, local, stats = [], [], []
    for i in range(steps + 3):
        comm.Barrier()
        t0 = time.perf_counter()
        run(x, y)
        if i >= 3:
            times.append(time.perf_counter() - t0)
            if not compiled:
                stats.append(model.reduction_stats)
    if not compiled:  # the same steps without communication: compute time under the same load
        for i in range(steps + 1):
            comm.Barrier()
            t0 = time.perf_counter()
            with model.no_sync():
                run(x, y)
            if i >= 1:
                local.append(time.perf_counter() - t0)
    result = {"step_s": _median_max(comm, times)}
    if not compiled:
        result["compute_s"] = _median_max(comm, local)
        result["comm_s"] = statistics.median(s["comm_s"] for s in stats)
        result["hidden_s"] = statistics.median(s["hidden_s"] for s in stats)
        result["exposed_s"] = statistics.median(s["exposed_s"] for s in stats)
        result["hidden_fraction"] = statistics.median(s["hidden_s"] / s["comm_s"] for s in stats if s["comm_s"])
        result["buckets"] = stats[0]["buckets"]
        result["grad_bytes"] = sum(p._data.nbytes for p in net.parameters())
    return result


def single_process_step(name, batch, steps, comm):
    """One process on the whole global batch (rank 0 alone; the others wait): the baseline."""
    import numpy as np
    import unigrad as ug
    result = None
    if comm.Get_rank() == 0:
        ug.manual_seed(0)
        net = MODELS[name](ug.nn)
        opt = ug.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
        rng = np.random.default_rng(0)
        x = ug.tensor(rng.standard_normal((batch, 1, 28, 28)).astype(np.float32))
        y = ug.tensor(rng.integers(0, 10, batch))
        times = []
        for i in range(steps + 3):
            t0 = time.perf_counter()
            opt.zero_grad()
            ug.nn.functional.cross_entropy(net(x), y).backward()
            opt.step()
            if i >= 3:
                times.append(time.perf_counter() - t0)
        result = statistics.median(times)
    comm.Barrier()
    return result


def torch_steps(name, batch, steps, comm):
    import torch
    torch.set_num_threads(1)
    net, model, opt, x, y = _replica(torch, name, batch, comm.Get_rank())
    times = []
    for i in range(steps + 3):
        comm.Barrier()
        t0 = time.perf_counter()
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
        if i >= 3:
            times.append(time.perf_counter() - t0)
    return {"step_s": _median_max(comm, times)}


def worker(opts):
    import unigrad.distributed as dist
    from mpi4py import MPI
    dist.init_process_group("mpi")
    comm = MPI.COMM_WORLD
    from unigrad.backend import process_group
    group = process_group.current()
    result = {"ranks": comm.Get_size(), "allreduce_s": allreduce_times(group, comm, opts.repeats), "models": {}}
    torch_ok = opts.torch
    if torch_ok:
        import torch.distributed as tdist
        os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
        port = comm.bcast(29500 + os.getpid() % 1000 if comm.Get_rank() == 0 else None)
        os.environ["MASTER_PORT"] = str(port)
        tdist.init_process_group("gloo", rank=comm.Get_rank(), world_size=comm.Get_size())
    for name in opts.models:
        entry = {"eager": unigrad_steps(name, opts.batch, opts.steps, comm, compiled=False),
                 "compiled": unigrad_steps(name, opts.batch, opts.steps, comm, compiled=True),
                 "single_process_whole_batch_s": single_process_step(name, opts.batch * comm.Get_size(), opts.steps,
                                                                      comm)}
        if torch_ok:
            entry["torch"] = torch_steps(name, opts.batch, opts.steps, comm)
        result["models"][name] = entry
    if torch_ok:
        import torch.distributed as tdist
        tdist.destroy_process_group()
    dist.destroy_process_group()
    if comm.Get_rank() == 0:
        print("RESULT " + json.dumps(result))


# ---- the report ----------------------------------------------------------------------------
def report(r, batch):
    n = r["ranks"]
    print(f"\nallreduce (float32, average, {n} ranks, MPI through unigrad's process group)")
    print(f"  {'elements':>10} {'bytes':>10} {'time':>10} {'algbw':>10}")
    for size, t in r["allreduce_s"].items():
        size = int(size)
        print(f"  {size:>10} {size * 4:>10} {t * 1e6:>8.1f}us {size * 4 / t / 1e9:>7.2f}GB/s")
    print(f"\ntraining steps, {n} ranks x batch {batch} (SGD momentum); times per step, medians")
    for name, e in r["models"].items():
        eager, comp = e["eager"], e["compiled"]
        print(f"  {name}: {eager['grad_bytes'] / 1e6:.2f} MB of gradients in {eager['buckets']} buckets")
        print(f"    compute only (no_sync)            {eager['compute_s'] * 1e3:8.2f} ms")
        print(f"    eager DDP step                    {eager['step_s'] * 1e3:8.2f} ms")
        print(f"      allreduce time                  {eager['comm_s'] * 1e3:8.2f} ms, of which hidden behind "
              f"backward {eager['hidden_fraction'] * 100:.0f}% (exposed wait {eager['exposed_s'] * 1e3:.2f} ms)")
        print(f"    compiled DDP step (no overlap)    {comp['step_s'] * 1e3:8.2f} ms")
        print(f"    1 process x batch {batch * n:<4}            {e['single_process_whole_batch_s'] * 1e3:8.2f} ms")
        if "torch" in e:
            t = e["torch"]["step_s"]
            print(f"    PyTorch DDP (gloo) step           {t * 1e3:8.2f} ms   ratio unigrad eager/torch "
                  f"{eager['step_s'] / t:.2f}, compiled/torch {comp['step_s'] / t:.2f}")


# ---- the scaling model (docs/distributed.md) ---------------------------------------------------
# Per-link bandwidth and per-message latency of interconnects beyond this machine. Bandwidths are
# the standards' line rates (IEEE 802.3ae 10GBASE, 802.3by 25GBASE, 802.3ba 100GBASE; InfiniBand
# Trade Association HDR, 200 Gb/s at 4x) taken at 90% for protocol overhead; latencies are typical
# published MPI small-message figures (TCP over Ethernet tens of microseconds, RDMA about one to
# two). Both are assumptions of the model, not measurements here.
INTERCONNECTS = [("10 GbE (TCP)", 1.25e9 * 0.9, 30e-6), ("25 GbE (TCP)", 3.125e9 * 0.9, 20e-6),
                 ("100 GbE (RoCE)", 12.5e9 * 0.9, 5e-6), ("InfiniBand HDR", 25e9 * 0.9, 1.5e-6)]
WORKERS = [8, 16, 32, 64]
BACKWARD_SHARE = 2 / 3  # backward is about two thirds of a forward-backward step (twice the forward's work)


def ring_allreduce_s(nbytes, workers, bandwidth, latency, buckets):
    """Ring allreduce (reduce-scatter then all-gather): each byte crosses 2(n-1)/n links and each
    bucket takes 2(n-1) latency-bound steps (Patarasuk & Yuan, J. Parallel Distrib. Comput. 2009)."""
    return 2 * (workers - 1) / workers * nbytes / bandwidth + 2 * (workers - 1) * latency * buckets


def predicted_step_s(compute_s, overhead_s, hidden_fraction, allreduce_s):
    """Weak scaling (batch per worker fixed): the step is the compute and DDP's own per-step cost
    (both measured here), plus the allreduce less the part that hides behind backward (the
    measured fraction, at most the backward's time)."""
    return compute_s + overhead_s + allreduce_s - min(hidden_fraction * allreduce_s, BACKWARD_SHARE * compute_s)


def scaling(r, batch):
    print(f"\npredicted eager DDP step for more workers (weak scaling, batch {batch} per worker; compute "
          "and hidden fraction measured above; model in docs/distributed.md)")
    for name, e in r["models"].items():
        eager = e["eager"]
        compute, nbytes, buckets = eager["compute_s"], eager["grad_bytes"], eager["buckets"]
        hidden = eager["hidden_fraction"]
        # what a DDP step costs beyond compute and waiting for the reduction (flattening, hooks, thread hand-offs)
        overhead = max(0.0, eager["step_s"] - compute - eager["exposed_s"])
        print(f"  {name}: compute {compute * 1e3:.2f} ms, DDP overhead {overhead * 1e3:.2f} ms, "
              f"{nbytes / 1e6:.2f} MB in {buckets} buckets, {hidden * 100:.0f}% hidden")
        print(f"    {'interconnect':<16}" + "".join(f"{n:>8} workers  " for n in WORKERS))
        for label, bandwidth, latency in INTERCONNECTS:
            cells = []
            for n in WORKERS:
                step = predicted_step_s(compute, overhead, hidden,
                                        ring_allreduce_s(nbytes, n, bandwidth, latency, buckets))
                cells.append(f"{step * 1e3:7.2f}ms {compute / step * 100:3.0f}%")
            print(f"    {label:<16}" + "  ".join(cells))
        print("    (each cell: step time, then scaling efficiency = compute / step)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ranks", type=int, default=2)
    parser.add_argument("--batch", type=int, default=32, help="per rank")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--no-torch", dest="torch", action="store_false")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", help="also write the results here")
    opts = parser.parse_args()
    if opts.worker:
        return worker(opts)
    if opts.torch:
        try:
            import torch  # noqa: F401
        except ImportError:
            print("(PyTorch not installed: no ratios; pip install torch==2.13.0 for them)")
            opts.torch = False
    sys.path.insert(0, ROOT)
    from unigrad.distributed.launch import command
    args = [a for a in sys.argv[1:] if a != "--json" and a != opts.json] + ["--worker"]
    if not opts.torch and "--no-torch" not in args:
        args.append("--no-torch")
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run(command(opts.ranks, os.path.abspath(__file__), args), env=env, capture_output=True,
                          text=True, timeout=1800)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        sys.exit(f"the benchmark job failed (rc {done.returncode}):\n{done.stdout}\n{done.stderr}")
    result = json.loads(lines[-1][len("RESULT "):])
    print(f"machine: {os.cpu_count()} cores; {opts.ranks} ranks, one thread each")
    report(result, opts.batch)
    scaling(result, opts.batch)
    if opts.json:
        with open(opts.json + ".tmp", "w") as f:
            json.dump(result, f, indent=1)
        os.replace(opts.json + ".tmp", opts.json)


if __name__ == "__main__":
    main()
