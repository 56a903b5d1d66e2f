"""Part 2: elementwise layers, normalisation (BatchNorm, MVN), Scale/Bias, Dropout, against float64
references of Caffe's definitions and their finite differences (and PyTorch where it has the op)."""
import numpy as np
import pytest
import torch

from unigrad import caffe

from .layer_check import build, check

RNG = np.random.default_rng(1)


def away(*shape, points=(0.0,), gap=0.05):
    """Random values kept `gap` away from the kinks in `points`."""
    x = RNG.standard_normal(shape)
    for p in points:
        near = np.abs(x - p) < gap
        x[near] = p + np.sign(x[near] - p + 1e-12) * gap * 2
    return x


def neuron(kind, param=""):
    return f'layer {{ name: "L" type: "{kind}" bottom: "b0" top: "t0" {param} }}'


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


@pytest.mark.parametrize("kind,param,ref,x", [
    ("ReLU", "", lambda x: np.maximum(x, 0), away(3, 4)),
    ("ReLU", "relu_param { negative_slope: 0.1 }", lambda x: np.maximum(x, 0) + 0.1 * np.minimum(x, 0), away(3, 4)),
    ("ELU", "elu_param { alpha: 0.7 }", lambda x: np.where(x > 0, x, 0.7 * (np.exp(x) - 1)), away(3, 4)),
    ("Sigmoid", "", sigmoid, away(3, 4)),
    ("TanH", "", np.tanh, away(3, 4)),
    ("AbsVal", "", np.abs, away(3, 4)),
    ("Power", "power_param { power: 2 scale: 0.5 shift: 1 }", lambda x: (1 + 0.5 * x) ** 2, away(3, 4)),
    ("Power", "power_param { power: 0.5 scale: 2 shift: 5 }", lambda x: (5 + 2 * x) ** 0.5, away(3, 4)),
    ("Power", "power_param { power: 3 }", lambda x: x ** 3, away(3, 4)),
    ("Exp", "", np.exp, away(3, 4)),
    ("Exp", "exp_param { base: 2 scale: 0.5 shift: 1 }", lambda x: 2.0 ** (1 + 0.5 * x), away(3, 4)),
    ("Log", "log_param { shift: 3 }", lambda x: np.log(3 + x), away(3, 4)),
    ("Log", "log_param { base: 10 scale: 2 shift: 5 }", lambda x: np.log10(5 + 2 * x), away(3, 4)),
    ("BNLL", "", lambda x: np.where(x > 0, x + np.log1p(np.exp(-x)), np.log1p(np.exp(x))), away(3, 4) * 3),
    ("Clip", "clip_param { min: -0.5 max: 0.8 }", lambda x: np.clip(x, -0.5, 0.8), away(3, 4, points=(-0.5, 0.8))),
    ("Swish", "swish_param { beta: 1.5 }", lambda x: x * sigmoid(1.5 * x), away(3, 4)),
    ("Softmax", "", lambda x: np.exp(x - x.max(1, keepdims=True)) / np.exp(x - x.max(1, keepdims=True)).sum(
        1, keepdims=True), away(3, 4)),
    ("Softmax", "softmax_param { axis: -1 }", lambda x: np.exp(x) / np.exp(x).sum(-1, keepdims=True),
     away(2, 3, 4)),
])
def test_elementwise(kind, param, ref, x):
    check(neuron(kind, param), [x], lambda bs, ps: [ref(bs[0])], ["t0"])


def test_threshold_has_no_gradient():
    x = away(3, 4, points=(0.2,))
    net = check(neuron("Threshold", "threshold_param { threshold: 0.2 }"), [x],
                lambda bs, ps: [(bs[0] > 0.2).astype(float)], ["t0"], check_grads=False)
    net.blobs["t0"].diff[...] = 1
    net.backward()
    assert not net.blobs["b0"].diff.any()


def test_in_place_relu_blob_holds_the_output_and_the_input_gradient():
    """An in-place blob is one blob as in Caffe: data after the layer, diff with respect to its input."""
    x = away(2, 5)
    text = ('layer { name: "ip" type: "InnerProduct" bottom: "b0" top: "h" inner_product_param { num_output: 3 '
            'weight_filler { type: "gaussian" } } } layer { name: "r" type: "ReLU" bottom: "h" top: "h" }')
    net = build(text, [x.shape])
    assert list(net.blobs) == ["b0", "h"]
    net.forward(b0=x)
    w = net.params["ip"][0].data.astype(np.float64)
    pre = x @ w.T + net.params["ip"][1].data
    np.testing.assert_allclose(net.blobs["h"].data, np.maximum(pre, 0), rtol=1e-5, atol=1e-6)
    net.blobs["h"].diff[...] = 1
    net.backward()
    np.testing.assert_allclose(net.blobs["h"].diff, (pre > 0).astype(float), atol=0)
    np.testing.assert_allclose(net.blobs["b0"].diff, (pre > 0) @ w, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("shared", [False, True])
def test_prelu(shared):
    x = away(2, 3, 2, 2)
    slope = np.array(0.3) if shared else np.array([0.25, -0.1, 0.5])
    layer = neuron("PReLU", f"prelu_param {{ channel_shared: {'true' if shared else 'false'} }}")
    net = check(layer, [x], lambda bs, ps: [np.where(bs[0] > 0, bs[0], bs[0] * (ps[0] if ps[0].ndim == 0 else
                                                                                  ps[0].reshape(1, -1, 1, 1)))],
                ["t0"], params=[slope])
    got = torch.nn.functional.prelu(torch.tensor(x, dtype=torch.float32), torch.tensor(slope, dtype=torch.float32)
                                    .reshape(-1))
    np.testing.assert_allclose(net.blobs["t0"].data, got.numpy(), rtol=1e-6)
    assert net.params["L"][0].shape == (() if shared else (3,))


def test_prelu_default_slope_is_a_quarter():
    net = build(neuron("PReLU"), [(1, 2, 1, 1)])
    np.testing.assert_array_equal(net.params["L"][0].data, [0.25, 0.25])


def bn_ref(x, eps=1e-5):
    axes = (0,) + tuple(range(2, x.ndim))
    mean = x.mean(axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axes, keepdims=True)
    return (x - mean) / np.sqrt(var + eps)


def test_batch_norm_training_normalises_by_batch_statistics_and_updates_the_sums():
    x = RNG.standard_normal((4, 3, 2, 2)) * 2 + 1
    net = check(neuron("BatchNorm"), [x], lambda bs, ps: [bn_ref(bs[0])], ["t0"], grad_rtol=5e-3, grad_atol=5e-4)
    # forward ran once in check(): sums are f * 0 + stat; the factor f * 0 + 1
    mean_sum, var_sum, factor = (b.data for b in net.params["L"])
    m = x.size // 3
    np.testing.assert_allclose(factor, [1.0])
    np.testing.assert_allclose(mean_sum, x.mean((0, 2, 3)), rtol=1e-5)
    np.testing.assert_allclose(var_sum, x.var((0, 2, 3)) * m / (m - 1), rtol=1e-5)
    net.forward(b0=x)  # the backward pass did not update them; a second forward does
    np.testing.assert_allclose(factor, [1.999], rtol=1e-6)
    np.testing.assert_allclose(mean_sum, x.mean((0, 2, 3)) * 1.999, rtol=1e-5)
    assert [(p.lr_mult, p.decay_mult) for p in net.built.layers[1].param.param] == [(0, 1)] * 3


def test_batch_norm_global_stats_divide_the_sums_by_the_factor():
    x = RNG.standard_normal((2, 3, 2, 2))
    mean_sum, var_sum, factor = np.array([1.0, 2.0, -1.0]), np.array([4.0, 2.0, 8.0]), np.array([2.0])

    def ref(bs, ps):
        mu, var = ps[0] / ps[2][0], ps[1] / ps[2][0]
        return [(bs[0] - mu.reshape(1, -1, 1, 1)) / np.sqrt(var.reshape(1, -1, 1, 1) + 1e-5)]
    net = check(neuron("BatchNorm", "batch_norm_param { use_global_stats: true }"), [x], ref, ["t0"],
                params=[mean_sum, var_sum, factor], phase=caffe.TEST, param_grads=False)
    assert not net.params["L"][0].diff.any()  # lr_mult 0: no gradient computed
    got = torch.nn.functional.batch_norm(torch.tensor(x, dtype=torch.float32), torch.tensor(mean_sum / 2, dtype=torch.float32),
                                         torch.tensor(var_sum / 2, dtype=torch.float32), eps=1e-5)
    np.testing.assert_allclose(net.blobs["t0"].data, got.numpy(), rtol=1e-5, atol=1e-6)
    # a zero factor gives zero statistics
    net.params["L"][2].data[...] = 0
    np.testing.assert_allclose(net.forward(b0=x)["t0"], x / np.sqrt(1e-5), rtol=1e-5)


def test_batch_norm_phase_default_and_param_checks():
    net = build(neuron("BatchNorm"), [(2, 3)], phase=caffe.TEST)
    assert net.built.layers[1].global_stats
    with pytest.raises(caffe.NetDefinitionError, match="lr_mult must be 0"):
        build('layer { name: "L" type: "BatchNorm" bottom: "b0" top: "t0" param { lr_mult: 1 } param { lr_mult: 0 } }',
              [(2, 3)])


@pytest.mark.parametrize("across,normalize", [(False, True), (True, True), (False, False)])
def test_mvn(across, normalize):
    x = RNG.standard_normal((2, 3, 3, 2))

    def ref(bs, ps):
        axes = (1, 2, 3) if across else (2, 3)
        c = bs[0] - bs[0].mean(axes, keepdims=True)
        return [c / (np.sqrt((c ** 2).mean(axes, keepdims=True)) + 1e-9) if normalize else c]
    check(neuron("MVN", f"mvn_param {{ across_channels: {str(across).lower()} normalize_variance: "
                        f"{str(normalize).lower()} }}"), [x], ref, ["t0"], grad_rtol=5e-3, grad_atol=5e-4)


@pytest.mark.parametrize("spec,shape,bias", [("", (3,), False), ("axis: 1 num_axes: 2", (3, 2), True),
                                             ("axis: -1 num_axes: 1", (4,), True), ("num_axes: 0", (), False),
                                             ("axis: 0 num_axes: -1", (2, 3, 2, 4), False)])
def test_scale(spec, shape, bias):
    x = RNG.standard_normal((2, 3, 2, 4))
    axis = {"axis: 1": 1, "axis: -1": 3, "axis: 0": 0}.get(spec.split(" num")[0], 1)
    s = RNG.standard_normal(shape)
    params = [s, RNG.standard_normal(shape)] if bias else [s]

    def ref(bs, ps):
        view = (1,) * axis + ps[0].shape + (1,) * (4 - axis - ps[0].ndim)
        y = bs[0] * ps[0].reshape(view)
        return [y + ps[1].reshape(view) if len(ps) == 2 else y]
    param = f"scale_param {{ {spec} bias_term: {'true' if bias else 'false'} }}"
    check(neuron("Scale", param), [x], ref, ["t0"], params=params)


def test_scale_and_bias_by_a_second_bottom():
    x, s = RNG.standard_normal((2, 3, 2)), RNG.standard_normal((2, 3))
    layer = 'layer { name: "L" type: "Scale" bottom: "b0" bottom: "b1" top: "t0" scale_param { axis: 0 } }'
    check(layer, [x, s], lambda bs, ps: [bs[0] * bs[1][:, :, None]], ["t0"])
    layer = 'layer { name: "L" type: "Bias" bottom: "b0" bottom: "b1" top: "t0" bias_param { axis: 0 } }'
    check(layer, [x, s], lambda bs, ps: [bs[0] + bs[1][:, :, None]], ["t0"])


def test_bias_and_filler_defaults():
    x = RNG.standard_normal((2, 3, 2))
    check(neuron("Bias"), [x], lambda bs, ps: [bs[0] + ps[0].reshape(1, 3, 1)], ["t0"], params=[[1.0, -2.0, 0.5]])
    net = build(neuron("Scale", "scale_param { bias_term: true }"), [(2, 3)])
    assert net.params["L"][0].data.tolist() == [1, 1, 1] and net.params["L"][1].data.tolist() == [0, 0, 0]


def test_dropout_scales_kept_units_and_backward_uses_the_forward_mask():
    caffe.set_random_seed(3)
    x = np.ones((50, 40))
    net = build(neuron("Dropout", "dropout_param { dropout_ratio: 0.3 }"), [x.shape], phase=caffe.TRAIN)
    y = net.forward(b0=x)["t0"]
    kept = y != 0
    np.testing.assert_allclose(y[kept], 1 / 0.7, rtol=1e-6)
    assert abs(kept.mean() - 0.7) < 0.03
    net.blobs["t0"].diff[...] = 2
    net.backward()
    np.testing.assert_allclose(net.blobs["b0"].diff, np.where(kept, 2 / 0.7, 0), rtol=1e-6)
    assert (net.forward(b0=x)["t0"] != y).any()  # a new mask per pass
    test_net = build(neuron("Dropout"), [x.shape], phase=caffe.TEST)
    np.testing.assert_array_equal(test_net.forward(b0=x)["t0"], x)  # TEST: identity, no scaling
