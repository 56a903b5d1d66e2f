"""Train Caffe's LeNet on MNIST, evaluate it, and export its weights (safetensors)."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import unigrad as ug  # noqa: E402
from common import run_example  # noqa: E402


def build():
    nn = ug.nn
    return nn.Sequential(nn.Conv2d(1, 20, 5), nn.MaxPool2d(2), nn.Conv2d(20, 50, 5), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(800, 500), nn.ReLU(), nn.Linear(500, 10))


if __name__ == "__main__":
    run_example(__doc__, build, epochs=8, batch_size=64, lr=0.01, out="mnist_lenet.safetensors",
                make_scheduler=lambda opt, epochs: ug.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.3))
