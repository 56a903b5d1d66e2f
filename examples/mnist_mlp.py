"""Train a 784-512-512-10 MLP on MNIST, evaluate it, and export its weights (safetensors)."""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import unigrad as ug  # noqa: E402
from common import train  # noqa: E402


def build():
    return ug.nn.Sequential(ug.nn.Flatten(), ug.nn.Linear(784, 512), ug.nn.ReLU(), ug.nn.Linear(512, 512),
                            ug.nn.ReLU(), ug.nn.Linear(512, 10))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--limit", type=int, default=None, help="stop each epoch after this many steps")
    parser.add_argument("--out", default="mnist_mlp.safetensors")
    args = parser.parse_args()
    ug.manual_seed(0)
    device = "cuda" if ug.cuda.is_available() else "cpu"
    model = build().to(device)
    opt = ug.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    sched = ug.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.epochs)
    start = time.perf_counter()
    acc = train(model, opt, args.epochs, device, batch_size=128, limit=args.limit, scheduler=sched)
    ug.save(model.state_dict(), args.out)
    print(f"final test accuracy {acc * 100:.2f}% in {time.perf_counter() - start:.1f}s on {device}; "
          f"weights written to {args.out}")
    return acc


if __name__ == "__main__":
    main()
