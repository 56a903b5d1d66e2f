"""One rank of the data-parallel test job (tests/distributed/test_ddp.py starts it with mpiexec).

    python -m mpi4py ddp_program.py OUT_DIR CASE

Rank 0 writes what the case produced to OUT_DIR/<case>.npz (no pickle) for the test to compare."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

import unigrad as ug  # noqa: E402
import unigrad.distributed as dist  # noqa: E402
from tests.distributed import training_runs as runs  # noqa: E402

DDP = ug.nn.parallel.DistributedDataParallel


def equivalence(out, rank, world):
    """N ranks x b rows == 1 process x N*b rows: SGD with momentum and Adam, eager and compiled."""
    results = {}
    buckets = []
    for optimizer in ("sgd", "adam"):
        for compiled in (False, True):
            def seen(step):
                if compiled:  # one traced graph, whose reductions are one per bucket
                    (graph,) = [entry[0].graph for entry in step.cache.values()]
                    results[f"{optimizer}_reductions"] = np.array(
                        [sum(n.op.name == "all_reduce" for n in graph.nodes), len(buckets[-1]._buckets)])
            params = runs.train(optimizer, compiled, steps=5, per_rank=4, rank=rank, world=world, seen=seen,
                                wrap=lambda net: buckets.append(DDP(net, bucket_cap_mb=0.001)) or buckets[-1])
            for i, p in enumerate(params):
                results[f"{optimizer}_{'compiled' if compiled else 'eager'}_{i}"] = p
    return results


def batchnorm(out, rank, world):
    """BatchNorm under DDP: per-rank batch statistics, rank 0's running statistics."""
    net = runs.bn_model()
    model = DDP(net)
    opt = runs.OPTIMIZERS["sgd"](net.parameters())
    step = runs.step_fn(model, opt)
    for x, y in runs.batches(4, 4 * world):
        rows = slice(rank * 4, (rank + 1) * 4)
        step(ug.tensor(x[rows]), ug.tensor(y[rows]))
    results = {f"param_{i}": p.detach().numpy() for i, p in enumerate(net.parameters())}
    results.update({f"buffer_{i}": b.numpy() for i, b in enumerate(net.buffers())})
    return results


def replicas_start_equal(out, rank, world):
    """Different seeds per rank; wrapping copies rank 0's parameters and buffers to all, and each
    forward copies rank 0's buffers again."""
    ug.manual_seed(100 + rank)
    net = ug.nn.Sequential(ug.nn.Linear(3, 4), ug.nn.BatchNorm1d(4))
    model = DDP(net)
    biases = [ug.zeros(4) for _ in range(world)]
    dist.all_gather(biases, net[0].bias.detach())
    net[1].running_mean.fill_(float(rank + 1))
    model.eval()
    model(ug.randn(5, 3))
    means = [ug.zeros(4) for _ in range(world)]
    dist.all_gather(means, net[1].running_mean)
    return {"biases": np.stack([g.numpy() for g in biases]), "running_means": np.stack([m.numpy() for m in means])}


def accumulation(out, rank, world):
    """no_sync() for 2 micro-batches, then a synchronised one == one step on all 3 micro-batches'
    summed gradients, averaged over the ranks."""
    net = runs.model()
    model = DDP(net)
    x, y = runs.batches(1, 6 * world)[0]
    mine = slice(rank * 6, (rank + 1) * 6)
    xs, ys = np.split(x[mine], 3), np.split(y[mine], 3)
    with model.no_sync():
        for i in range(2):
            ug.nn.functional.cross_entropy(model(ug.tensor(xs[i])), ug.tensor(ys[i])).backward()
    local_after_two = net[0].weight.grad.numpy().copy()
    ug.nn.functional.cross_entropy(model(ug.tensor(xs[2])), ug.tensor(ys[2])).backward()
    gathered = [ug.zeros(*net[0].weight.shape) for _ in range(world)]
    dist.all_gather(gathered, ug.tensor(local_after_two))
    return {"grads": np.stack([p.grad.numpy() for p in net.parameters()][0:1]),
            "local_after_two": np.stack([g.numpy() for g in gathered])}


class TwoHeads(ug.nn.Module):
    def __init__(self):
        super().__init__()
        self.body, self.a, self.b = ug.nn.Linear(4, 4), ug.nn.Linear(4, 2), ug.nn.Linear(4, 2)

    def forward(self, x, head):
        return (self.a if head == "a" else self.b)(self.body(x))


def unused_parameters(out, rank, world):
    """Rank 0 uses head a, the others head b: with find_unused_parameters the bodies' gradients
    are averaged over all ranks and each head's over all ranks too (zeros where unused)."""
    ug.manual_seed(0)
    net = TwoHeads()
    model = DDP(net, find_unused_parameters=True)
    ug.manual_seed(7 + rank)
    x = ug.randn(3, 4)
    model(x, "a" if rank == 0 else "b").sum().backward()
    return {"body": net.body.weight.grad.numpy(), "a": net.a.weight.grad.numpy(), "b": net.b.weight.grad.numpy(),
            "x": x.numpy()}


def unused_without_flag(out, rank, world):
    """Without find_unused_parameters, the next forward says which parameters got no gradient."""
    ug.manual_seed(0)
    model = DDP(TwoHeads())
    model(ug.randn(3, 4), "a").sum().backward()
    try:
        model(ug.randn(3, 4), "a")
    except ug.errors.DistributedError as exc:
        return {"message": np.array(str(exc))}
    return {"message": np.array("no error")}


def collectives(out, rank, world):
    t = ug.tensor([float(rank + 1), 2.0])
    dist.all_reduce(t)
    m = ug.tensor([float(rank)])
    dist.all_reduce(m, op=dist.ReduceOp.MAX)
    b = ug.tensor([float(rank)] * 3)
    dist.broadcast(b, src=world - 1)
    w = ug.tensor([float(rank)])
    work = dist.all_reduce(w, op=dist.ReduceOp.AVG, async_op=True)
    work.wait()
    # rank r sends [r*world + j for j] to rank j; rank j receives the sum over r
    pieces = [ug.tensor([float(rank * world + j), 1.0]) for j in range(world)]
    share = ug.zeros(2)
    dist.reduce_scatter(share, pieces)
    gathered = [ug.zeros(2) for _ in range(world)]
    dist.all_gather(gathered, ug.tensor([float(rank), -float(rank)]))
    return {"sum": t.numpy(), "max": m.numpy(), "bcast": b.numpy(), "avg": w.numpy(),
            "metric": np.array(dist.average(float(rank))), "reduce_scatter": share.numpy(),
            "all_gather": np.stack([g.numpy() for g in gathered])}


def sampler(out, rank, world):
    s = ug.data.DistributedSampler(range(11), shuffle=True, seed=5)
    s.set_epoch(2)
    mine = ug.tensor(list(s))
    every = [ug.zeros(len(s), dtype=mine.dtype) for _ in range(world)]
    dist.all_gather(every, mine)
    return {"indices": np.stack([e.numpy() for e in every])}


def fails_on_last_rank(out, rank, world):
    if rank == world - 1:
        raise ValueError("rank failed on purpose")
    t = ug.ones(3)
    dist.all_reduce(t)  # the others wait here: the job must still end
    return {}


def differing_models(out, rank, world):
    DDP(ug.nn.Linear(3, 4 + rank))
    return {}


CASES = {f.__name__: f for f in (equivalence, batchnorm, replicas_start_equal, accumulation, unused_parameters,
                                 unused_without_flag, collectives, sampler, fails_on_last_rank, differing_models)}


def main(out_dir, names):
    dist.init_process_group("mpi")
    rank, world = dist.get_rank(), dist.get_world_size()
    for name in names:
        result = CASES[name](out_dir, rank, world)
        if rank == 0:
            path = os.path.join(out_dir, f"{name}.npz")
            np.savez(path + ".tmp.npz", **result)
            os.replace(path + ".tmp.npz", path)
    dist.destroy_process_group()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
