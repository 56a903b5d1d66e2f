"""Train a 784-512-512-10 MLP on MNIST, evaluate it, and export its weights (safetensors)."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import unigrad as ug  # noqa: E402
from common import run_example  # noqa: E402


def build():
    return ug.nn.Sequential(ug.nn.Flatten(), ug.nn.Linear(784, 512), ug.nn.ReLU(), ug.nn.Linear(512, 512),
                            ug.nn.ReLU(), ug.nn.Linear(512, 10))


if __name__ == "__main__":
    run_example(__doc__, build, epochs=10, batch_size=128, lr=0.05, out="mnist_mlp.safetensors",
                make_scheduler=lambda opt, epochs: ug.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs))
