"""Part 8: to_module: a Caffe net as a unigrad Module (forward = Net's, trainable with unigrad's
optimizers, compilable, savable as safetensors)."""
import numpy as np
import pytest

import unigrad as ug
from unigrad import caffe

from .conftest import MNIST, fixture


@pytest.fixture(scope="module")
def digits():
    from unigrad.caffe.data.idx import read_idx
    images = read_idx(str(MNIST / "t10k-images-idx3-ubyte.gz"))[:256].astype(np.float32)[:, None] * 0.00390625
    labels = read_idx(str(MNIST / "t10k-labels-idx1-ubyte.gz"))[:256].astype(np.int64)
    return images, labels


def test_module_forward_matches_net(digits):
    images, labels = digits
    model = caffe.to_module(fixture("lenet_v1.prototxt"), fixture("lenet_iter_10000.caffemodel"))
    assert [n for n, _ in model.named_parameters()] == [
        "conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "ip1.weight", "ip1.bias", "ip2.weight", "ip2.bias"]
    probs = model(ug.tensor(images[:64])).detach().numpy()
    net = caffe.Net(fixture("lenet_v1.prototxt"), fixture("lenet_iter_10000.caffemodel"), caffe.TEST)
    np.testing.assert_allclose(probs, net.forward(data=images[:64])["prob"], rtol=1e-5, atol=1e-6)
    assert (probs.argmax(1) == labels[:64]).mean() > 0.95
    compiled = ug.jit(model)
    with ug.no_grad():
        np.testing.assert_allclose(compiled(ug.tensor(images[:64])).numpy(), probs, rtol=1e-5, atol=1e-6)


def test_module_trains_with_unigrads_optimizer_and_saves_safetensors(digits, tmp_path):
    images, labels = digits
    ug.manual_seed(0)
    caffe.set_random_seed(0)
    model = caffe.to_module(fixture("lenet_v1.prototxt"), phase=caffe.TRAIN)
    opt = ug.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    x, y = ug.tensor(images[:64]), ug.tensor(labels[:64])
    losses = []
    for _ in range(15):
        loss = ug.nn.functional.nll_loss(ug.log(model(x) + 1e-8), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]
    ug.save(model.state_dict(), str(tmp_path / "lenet.safetensors"))
    again = caffe.to_module(fixture("lenet_v1.prototxt"))
    again.load_state_dict(ug.load(str(tmp_path / "lenet.safetensors")))
    model.eval()
    np.testing.assert_allclose(again(x).detach().numpy(), model(x).detach().numpy(), rtol=1e-6)
    # the Net sees the same weights: the module's parameters are its blobs
    np.testing.assert_array_equal(model.net.params["ip2"][0].data, model.ip2.weight.detach().numpy())


def test_batch_norm_statistics_are_buffers_and_eval_uses_them():
    text = ('layer { name: "x" type: "Input" top: "x" input_param { shape { dim: 4 dim: 3 } } } '
            'layer { name: "bn" type: "BatchNorm" bottom: "x" top: "y" } '
            'layer { name: "drop" type: "Dropout" bottom: "y" top: "y" }')
    model = caffe.to_module(text, phase=caffe.TRAIN)
    assert not list(model.parameters()) and [n for n, _ in model.named_buffers()] == [
        "bn.mean", "bn.variance", "bn.scale_factor"]
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32) + 2
    model.train()
    out = model(ug.tensor(x)).numpy()
    assert (out == 0).any()  # dropout in TRAIN
    assert model.bn.scale_factor.numpy()[0] == pytest.approx(1.0)  # statistics updated
    model.eval()
    out = model(ug.tensor(x)).numpy()
    mean = x.mean(0)
    var = x.var(0) * 4 / 3
    np.testing.assert_allclose(out, (x - mean) / np.sqrt(var + 1e-5), rtol=1e-4, atol=1e-5)
