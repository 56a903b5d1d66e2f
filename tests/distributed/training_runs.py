"""Training runs shared by the data-parallel tests: each rank of a job, and the one process
they are checked against, call these with the same arguments. Rank r of a world of w trains
on rows r*b .. (r+1)*b - 1 of each global batch of w*b rows, so averaged gradients must give
the single process's full-batch run."""
import numpy as np

import unigrad as ug

OPTIMIZERS = {"sgd": lambda ps: ug.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=1e-3),
              "adam": lambda ps: ug.optim.Adam(ps, lr=0.01)}


def model():
    ug.manual_seed(0)
    return ug.nn.Sequential(ug.nn.Linear(6, 16), ug.nn.Tanh(), ug.nn.Linear(16, 16), ug.nn.ReLU(),
                            ug.nn.Linear(16, 3))


def batches(steps, rows, seed=1):
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal((rows, 6)).astype(np.float32), rng.integers(0, 3, rows)) for _ in range(steps)]


def step_fn(net, opt):
    def step(x, y):
        opt.zero_grad()
        loss = ug.nn.functional.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        return loss
    return step


def train(optimizer, compiled, steps, per_rank, rank=0, world=1, wrap=None, seen=None):
    """The parameters after `steps` steps on this rank's rows, as a list of arrays (and the
    step function given to `seen`)."""
    net = model()
    trained = wrap(net) if wrap else net
    opt = OPTIMIZERS[optimizer](net.parameters())
    step = step_fn(trained, opt)
    if compiled:
        step = ug.jit(step)
    for x, y in batches(steps, per_rank * world):
        rows = slice(rank * per_rank, (rank + 1) * per_rank)
        step(ug.tensor(x[rows]), ug.tensor(y[rows]))
    if seen is not None:
        seen(step)
    return [p.detach().numpy() for p in net.parameters()]


def bn_model():
    ug.manual_seed(0)
    return ug.nn.Sequential(ug.nn.Linear(6, 16), ug.nn.BatchNorm1d(16), ug.nn.ReLU(), ug.nn.Linear(16, 3))


def simulate_ranks_with_batchnorm(steps, per_rank, world):
    """What DDP does with BatchNorm, in one process: each rank normalises with its own batch's
    statistics, gradients are averaged, and the running statistics are rank 0's (every forward
    starts from rank 0's buffers). Returns the parameters and the running statistics."""
    net = bn_model()
    opt = OPTIMIZERS["sgd"](net.parameters())
    loss_fn = ug.nn.functional.cross_entropy
    for x, y in batches(steps, per_rank * world):
        start = [b.detach().clone() for b in net.buffers()]
        total = None
        for r in range(world):
            for b, s in zip(net.buffers(), start):
                b.copy_(s)
            net.zero_grad()
            rows = slice(r * per_rank, (r + 1) * per_rank)
            loss_fn(net(ug.tensor(x[rows])), ug.tensor(y[rows])).backward()
            grads = [p.grad.numpy().copy() for p in net.parameters()]
            total = grads if total is None else [t + g for t, g in zip(total, grads)]
            if r == 0:
                rank0 = [b.detach().clone() for b in net.buffers()]
        for b, s in zip(net.buffers(), rank0):
            b.copy_(s)
        for p, t in zip(net.parameters(), total):
            p.grad = ug.tensor(t / world)
        opt.step()
    return [p.detach().numpy() for p in net.parameters()], [b.numpy() for b in net.buffers()]
