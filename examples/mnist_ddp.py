"""Data-parallel MNIST: LeNet trained on N processes, each on its share of every global batch.

    unigrad run -n 2 examples/mnist_ddp.py --batch-size 32      # 2 ranks x 32 = 64 images a step
    python examples/mnist_ddp.py --batch-size 64                # the same run in one process

Both take the same number of steps over the same global batches, so they reach the same test
accuracy (the gradients are averaged across ranks inside backward). Rank 0 alone prints, saves
the weights and shows the progress bar.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import unigrad as ug  # noqa: E402
import unigrad.distributed as dist  # noqa: E402
from common import add_data_argument, evaluate, mnist, progress  # noqa: E402


def lenet():
    return ug.nn.Sequential(ug.nn.Conv2d(1, 20, 5), ug.nn.MaxPool2d(2, 2), ug.nn.Conv2d(20, 50, 5),
                            ug.nn.MaxPool2d(2, 2), ug.nn.Flatten(), ug.nn.Linear(800, 500), ug.nn.ReLU(),
                            ug.nn.Linear(500, 10))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_data_argument(parser)
    parser.add_argument("--batch-size", type=int, default=32, help="per rank (Caffe's multi-GPU convention)")
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--out", default="mnist_ddp.safetensors")
    args = parser.parse_args()

    if dist.is_available():  # (one process without mpi4py is a world of 1)
        dist.init_process_group()
    rank, world = dist.get_rank(), dist.get_world_size()
    device = dist.device()
    ug.manual_seed(0)  # every rank builds the same model (DDP copies rank 0's anyway)
    model = ug.nn.parallel.DistributedDataParallel(lenet().to(device))
    opt = ug.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, weight_decay=5e-4)

    train_set, test_set = mnist(args.data)
    sampler = ug.data.DistributedSampler(train_set, shuffle=True, seed=0, drop_last=True)
    loader = ug.data.DataLoader(train_set, batch_size=args.batch_size, sampler=sampler, drop_last=True)
    step, epoch, start = 0, 0, time.perf_counter()
    bar = progress(range(args.steps), args.steps, f"{world} rank(s) x batch {args.batch_size}") if rank == 0 \
        else range(args.steps)
    it = iter(bar)
    while step < args.steps:
        sampler.set_epoch(epoch)
        for x, y in loader:
            loss = ug.nn.functional.cross_entropy(model(x.to(device)), y.to(device))
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
            next(it, None)
            if step >= args.steps:
                break
        epoch += 1
    if rank == 0 and hasattr(bar, "close"):
        bar.close()
    mean_loss = dist.average(loss.item())  # a metric: the mean over the ranks
    acc = evaluate(model.module, ug.data.DataLoader(test_set, batch_size=1000), device)
    dist.save(model.module.state_dict(), args.out)  # rank 0 writes, the others wait
    print(f"{world} rank(s) x batch {args.batch_size}, {step} steps: last loss (mean over ranks) {mean_loss:.4f}, "
          f"test accuracy {acc * 100:.2f}% in {time.perf_counter() - start:.1f}s; weights written to {args.out}")
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
