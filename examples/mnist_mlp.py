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
    """The traced model, for any batch size (dynamic_batch), as version 1 of model 'mnist', and its
    ONNX export beside it (the web page runs that in the browser). Both savers write a temporary
    file and rename it, so a running server never reads half a file."""
    path = example_model_path()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    x = ug.zeros(2, 1, 28, 28, device=device)
    with ug.no_grad():
        traced = ug.jit.trace(model, (x,), dynamic_batch=True)
    ug.jit.save(traced, path)
    print(f"compiled graph for serving written to {path}; serve it with: unigrad serve --example")
    try:
        from unigrad.onnx import export
    except ImportError as exc:  # the onnx extra is not installed: the page runs the model on the server only
        print(f"(no ONNX export for the web page's in-browser run: {exc}; pip install 'unigrad[onnx]')")
        return
    onnx_path = os.path.join(os.path.dirname(path), "model.onnx")
    # opset 13: every onnxruntime-web release runs it
    export(model, (x,), onnx_path, opset=13, input_names=["image"], output_names=["logits"],
           dynamic_axes={"image": {0: "N"}, "logits": {0: "N"}})
    print(f"ONNX export for the web page written to {onnx_path}")


if __name__ == "__main__":
    run_example(__doc__, build, epochs=10, batch_size=128, lr=0.05, out="mnist_mlp.safetensors",
                make_scheduler=lambda opt, epochs: ug.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs),
                export=save_for_serving)
