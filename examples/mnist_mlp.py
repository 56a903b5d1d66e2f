"""Train a 784-512-512-10 MLP on MNIST, evaluate it, export its weights (safetensors) and save it
as a shape-generic compiled graph where `unigrad serve --example` finds it."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import unigrad as ug  # noqa: E402
from common import run_example  # noqa: E402
from unigrad.serve.example import example_model_path  # noqa: E402  ($UNIGRAD_MODELS or ~/.cache/unigrad/models)


def build():
    return ug.nn.Sequential(ug.nn.Flatten(), ug.nn.Linear(784, 512), ug.nn.ReLU(), ug.nn.Linear(512, 512),
                            ug.nn.ReLU(), ug.nn.Linear(512, 10))


def save_for_serving(model, device):
    """The traced model, for any batch size (dynamic_batch), as version 1 of model 'mnist'.
    ug.jit.save writes a temporary file and renames it, so a running server never reads half a file."""
    path = example_model_path()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with ug.no_grad():
        traced = ug.jit.trace(model, (ug.zeros(2, 1, 28, 28, device=device),), dynamic_batch=True)
    ug.jit.save(traced, path)
    print(f"compiled graph for serving written to {path}; serve it with: unigrad serve --example")


if __name__ == "__main__":
    run_example(__doc__, build, epochs=10, batch_size=128, lr=0.05, out="mnist_mlp.safetensors",
                make_scheduler=lambda opt, epochs: ug.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs),
                export=save_for_serving)
