"""Train Caffe's LeNet on MNIST, evaluate it, and export its weights (safetensors)."""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import unigrad as ug  # noqa: E402
from common import train  # noqa: E402


def build():
    nn = ug.nn
    return nn.Sequential(nn.Conv2d(1, 20, 5), nn.MaxPool2d(2), nn.Conv2d(20, 50, 5), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(800, 500), nn.ReLU(), nn.Linear(500, 10))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--limit", type=int, default=None, help="stop each epoch after this many steps")
    parser.add_argument("--out", default="mnist_lenet.safetensors")
    args = parser.parse_args()
    ug.manual_seed(0)
    device = "cuda" if ug.cuda.is_available() else "cpu"
    model = build().to(device)
    opt = ug.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    sched = ug.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.3)
    start = time.perf_counter()
    acc = train(model, opt, args.epochs, device, batch_size=64, limit=args.limit, scheduler=sched)
    ug.save(model.state_dict(), args.out)
    print(f"final test accuracy {acc * 100:.2f}% in {time.perf_counter() - start:.1f}s on {device}; "
          f"weights written to {args.out}")
    return acc


if __name__ == "__main__":
    main()
