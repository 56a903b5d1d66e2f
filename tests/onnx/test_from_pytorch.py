"""Models that PyTorch 2.13 itself exports (torch.onnx.export, the dynamo exporter and the legacy
TorchScript one) import here and give torch's outputs at two batch sizes; an imported LeNet
fine-tunes with torch's own loss curve and exports again to a file onnxruntime runs.

torch's legacy exporter cannot export nn.TransformerEncoderLayer in torch 2.13 (it fails inside
torch: "scaled_dot_product_attention(): argument 'is_causal' must be bool, not Tensor"), so the
encoder layer comes from the dynamo exporter only.
"""
import io
import warnings

import numpy as np
import onnx
import pytest

import unigrad as ug
import unigrad.onnx  # noqa: F401

torch = pytest.importorskip("torch")
pytest.importorskip("onnxscript")  # (torch's dynamo exporter writes through it)
ort = pytest.importorskip("onnxruntime")
tnn = torch.nn


class Block(tnn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1, self.bn1 = tnn.Conv2d(c, c, 3, padding=1, bias=False), tnn.BatchNorm2d(c)
        self.conv2, self.bn2 = tnn.Conv2d(c, c, 3, padding=1, bias=False), tnn.BatchNorm2d(c)

    def forward(self, x):
        return torch.relu(self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x))))) + x)


class LanguageModel(tnn.Module):
    def __init__(self, vocab=50):
        super().__init__()
        self.embed = tnn.Embedding(vocab, 16)
        self.lstm = tnn.LSTM(16, 24, num_layers=2, batch_first=True)
        self.head = tnn.Linear(24, vocab)

    def forward(self, tokens):
        y, _ = self.lstm(self.embed(tokens))
        return self.head(y)


def _lenet():
    return tnn.Sequential(tnn.Conv2d(1, 6, 5), tnn.ReLU(), tnn.MaxPool2d(2), tnn.Conv2d(6, 16, 5), tnn.ReLU(),
                          tnn.MaxPool2d(2), tnn.Flatten(), tnn.Linear(256, 120), tnn.ReLU(), tnn.Linear(120, 10))


def _resnet():
    net = tnn.Sequential(tnn.Conv2d(3, 8, 3, padding=1), tnn.BatchNorm2d(8), tnn.ReLU(), Block(8), Block(8),
                         tnn.AdaptiveAvgPool2d(1), tnn.Flatten(), tnn.Linear(8, 10))
    with torch.no_grad():  # running statistics away from 0 and 1
        net.train()
        for _ in range(3):
            net(torch.randn(4, 3, 8, 8) * 2 + 1)
    return net


MODELS = {
    "mlp": (lambda: tnn.Sequential(tnn.Linear(6, 16), tnn.ReLU(), tnn.Linear(16, 4)), lambda b, t: torch.randn(b, 6)),
    "lenet": (_lenet, lambda b, t: torch.randn(b, 1, 28, 28)),
    "resnet": (_resnet, lambda b, t: torch.randn(b, 3, 8, 8)),
    "lstm_lm": (LanguageModel, lambda b, t: torch.randint(0, 50, (b, t))),
    "encoder": (lambda: tnn.TransformerEncoderLayer(16, 2, 32, dropout=0.0, batch_first=True),
                lambda b, t: torch.randn(b, t, 16)),
}
CASES = [(name, "legacy") for name in MODELS if name != "encoder"] + [(name, "dynamo") for name in MODELS]


def torch_model(name):
    torch.manual_seed(0)
    return MODELS[name][0]().eval()


SYMBOLIC = {"mlp": ("batch",), "lenet": ("batch",), "resnet": ("batch",), "lstm_lm": ("batch", "seq"),
            "encoder": ("batch", "seq")}


def torch_export(name, model, example, exporter):
    """The ModelProto torch writes, the batch (and sequence) sizes left symbolic."""
    names = SYMBOLIC[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if exporter == "legacy":
            f = io.BytesIO()
            torch.onnx.export(model, (example,), f, dynamo=False, input_names=["x"], output_names=["y"],
                              dynamic_axes={"x": dict(enumerate(names))}, opset_version=17)
            return onnx.load_from_string(f.getvalue())
        dims = {i: torch.export.Dim(n, min=2, max=64) for i, n in enumerate(names)}
        return torch.onnx.export(model, (example,), dynamo=True, input_names=["x"], dynamic_shapes=(dims,),
                                 verbose=False).model_proto


@pytest.mark.parametrize("name,exporter", CASES, ids=[f"{n}-{e}" for n, e in CASES])
def test_a_torch_exported_model_gives_torch_outputs(name, exporter):
    torch.manual_seed(1)
    model = torch_model(name)
    make = MODELS[name][1]
    proto = torch_export(name, model, make(2, 5), exporter)
    net = ug.onnx.load(proto)
    for batch, steps in ((2, 5), (3, 7)):
        x = make(batch, steps)
        with torch.no_grad():
            want = model(x).numpy()
        got = net(x.numpy()).numpy()
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5, err_msg=f"{name} ({exporter} exporter)")


def test_a_torch_exported_lenet_fine_tunes_as_torch_and_exports_again(tmp_path):
    model = torch_model("lenet")
    proto = torch_export("lenet", model, torch.randn(2, 1, 28, 28), "legacy")
    module = ug.onnx.to_module(proto)
    assert sum(p.numel() for p in module.parameters()) == sum(p.numel() for p in model.parameters())
    rng = np.random.default_rng(0)
    x = rng.standard_normal((16, 1, 28, 28)).astype(np.float32)
    target = rng.integers(0, 10, 16)
    ours, theirs = [], []
    opt = ug.optim.SGD(module.parameters(), lr=0.1, momentum=0.9)
    topt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    module.train()
    model.train()
    for _ in range(6):
        opt.zero_grad()
        loss = ug.nn.functional.cross_entropy(module(ug.tensor(x)), ug.tensor(target))
        loss.backward()
        opt.step()
        ours.append(float(loss))
        topt.zero_grad()
        tloss = torch.nn.functional.cross_entropy(model(torch.from_numpy(x)), torch.from_numpy(target))
        tloss.backward()
        topt.step()
        theirs.append(float(tloss.detach()))
    assert ours[-1] < 0.9 * ours[0], ours
    np.testing.assert_allclose(ours, theirs, rtol=1e-4)
    module.eval()
    path = str(tmp_path / "tuned.onnx")
    ug.onnx.export(module, (ug.tensor(x[:2]),), path, input_names=["x"], dynamic_axes={"x": {0: "batch"}})
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    with ug.no_grad():
        want = module(ug.tensor(x)).numpy()
    np.testing.assert_allclose(session.run(None, {"x": x})[0], want, rtol=1e-4, atol=1e-5)
    model.eval()
    with torch.no_grad():
        np.testing.assert_allclose(want, model(torch.from_numpy(x)).numpy(), rtol=1e-3, atol=1e-4)
