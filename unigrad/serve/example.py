"""`unigrad serve --example`: the MNIST model the README's demo trained.

The hook between the two: the demo (examples/mnist_mlp.py) saves its traced, shape-generic
model to `example_model_path()`, i.e. `$UNIGRAD_MODELS/mnist/1/model.safetensors`
(default `~/.cache/unigrad/models`), a model repository of one model. Its input is MNIST
images normalised as `ug.data.MNIST` does, which is the preprocessing declared here for the
web page and for `{"b64": <png>}` values.
"""
import os

from .config import ImagePreprocess, ModelConfig, TensorConfig, find_config
from .repository import ModelSource

EXAMPLE_MODEL = "mnist"


def models_root():
    """The demo's model repository: $UNIGRAD_MODELS, else ~/.cache/unigrad/models."""
    return os.environ.get("UNIGRAD_MODELS") or os.path.join(os.path.expanduser("~"), ".cache", "unigrad", "models")


def example_model_path(version=1):
    """Where the demo saves its graph (a version folder of model 'mnist')."""
    return os.path.join(models_root(), EXAMPLE_MODEL, str(version), "model.safetensors")


def example_config():
    """MNIST digits: 1x28x28 grey images, (pixel/255 - 0.1307) / 0.3081, classes 0..9."""
    image = ImagePreprocess(channels=1, height=28, width=28, scale=1 / 255, mean=0.1307, std=0.3081)
    return ModelConfig(inputs=[TensorConfig(name="image", image=image)],
                       outputs=[TensorConfig(name="logits", labels=[str(d) for d in range(10)])],
                       source="unigrad serve --example")


def example_source():
    """The ModelSource of the demo's model, or None when the demo has not saved it yet."""
    base = os.path.join(models_root(), EXAMPLE_MODEL)
    if not os.path.isdir(base) or not any(n.isdigit() for n in os.listdir(base)):
        return None
    return ModelSource(EXAMPLE_MODEL, base, None if find_config(base) else example_config())
