"""SPP, Im2col and BatchReindex against their definitions (Im2col also against torch's unfold)."""
import numpy as np
import pytest
import torch

from unigrad import caffe

from .layer_check import build, check

RNG = np.random.default_rng(11)


def rand(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def spp_reference(x, height, method):
    """Caffe's SPP: per level, bins of a kernel ceil(size/bins) window stride = kernel from -pad,
    clipped to the image (AVE divides by the window clipped to [-pad, size + pad))."""
    n, c, h, w = x.shape
    levels = []
    for level in range(height):
        bins = 2 ** level
        kh, kw = -(-h // bins), -(-w // bins)
        ph, pw = (kh * bins - h + 1) // 2, (kw * bins - w + 1) // 2
        out = np.zeros((n, c, bins, bins))
        for i in range(bins):
            for j in range(bins):
                y0, x0 = i * kh - ph, j * kw - pw
                y1, x1 = min(y0 + kh, h + ph), min(x0 + kw, w + pw)
                window = x[:, :, max(y0, 0):min(y1, h), max(x0, 0):min(x1, w)]
                if method == "MAX":
                    out[:, :, i, j] = window.max(axis=(2, 3))
                else:
                    out[:, :, i, j] = window.sum(axis=(2, 3)) / ((y1 - y0) * (x1 - x0))
        levels.append(out)
    return levels[0] if height == 1 else np.concatenate([o.reshape(n, -1) for o in levels], axis=1)


@pytest.mark.parametrize("method,height,shape", [("MAX", 3, (2, 3, 7, 6)), ("AVE", 3, (2, 2, 13, 9)),
                                                 ("MAX", 1, (1, 2, 5, 5))])
def test_spp(method, height, shape):
    layer = f'layer {{ name: "L" type: "SPP" bottom: "b0" top: "t0" spp_param {{ pyramid_height: {height} pool: {method} }} }}'
    net = check(layer, [rand(*shape)], lambda bs, ps: [spp_reference(bs[0], height, method)], ["t0"])
    bins = sum(4 ** level for level in range(height))
    assert net.blobs["t0"].shape == ((shape[0], shape[1], 1, 1) if height == 1 else (shape[0], shape[1] * bins))


def test_spp_too_small_a_bottom_is_named():
    with pytest.raises(caffe.LayerShapeError, match="layer 'L'.*level 2"):
        build('layer { name: "L" type: "SPP" bottom: "b0" top: "t0" spp_param { pyramid_height: 3 } }', [(1, 1, 3, 3)])


@pytest.mark.parametrize("spec,kernel,pad,stride,dilation", [("kernel_size: 3", 3, 0, 1, 1),
                                                             ("kernel_size: 2 pad: 1 stride: 2", 2, 1, 2, 1),
                                                             ("kernel_size: 2 dilation: 2", 2, 0, 1, 2)])
def test_im2col_matches_torch_unfold(spec, kernel, pad, stride, dilation):
    x = rand(2, 3, 6, 5)

    def reference(bs, ps):
        cols = torch.nn.functional.unfold(torch.tensor(bs[0]), kernel, dilation=dilation, padding=pad, stride=stride)
        oh = (6 + 2 * pad - dilation * (kernel - 1) - 1) // stride + 1
        ow = (5 + 2 * pad - dilation * (kernel - 1) - 1) // stride + 1
        return [cols.reshape(2, -1, oh, ow).numpy()]
    check(f'layer {{ name: "L" type: "Im2col" bottom: "b0" top: "t0" convolution_param {{ {spec} }} }}', [x],
          reference, ["t0"])


def test_batch_reindex_gathers_and_sums_gradients():
    x = rand(4, 2, 3)
    index = np.array([3, 0, 3, 1, 3], np.float32)
    check('layer { name: "L" type: "BatchReindex" bottom: "b0" bottom: "b1" top: "t0" }', [x, index],
          lambda bs, ps: [bs[0][bs[1].astype(int)]], ["t0"], diff_bottoms=[0])


def test_filter_keeps_selected_items_and_routes_their_gradients():
    x = rand(4, 3)
    net = caffe.Net(
        'force_backward: true '
        'layer { name: "in" type: "Input" top: "x" top: "s" input_param { shape { dim: 4 dim: 3 } shape { dim: 4 } } } '
        'layer { name: "f" type: "Filter" bottom: "x" bottom: "s" top: "y" } '
        'layer { name: "ip" type: "InnerProduct" bottom: "y" top: "z" inner_product_param { num_output: 2 '
        'weight_filler { type: "gaussian" } } } '
        'layer { name: "loss" type: "Reduction" bottom: "z" top: "loss" loss_weight: 1 }', caffe.TRAIN)
    w = net.params["ip"][0].data
    for selector in ([0, 1, 0, 1], [1, 1, 1, 0]):
        kept = np.flatnonzero(selector)
        out = net.forward(x=x, s=np.array(selector, np.float32))
        np.testing.assert_allclose(net.blobs["y"].data, x[kept])
        assert out["loss"] == pytest.approx(float((x[kept] @ w.T).sum()), rel=1e-5)
        net.backward()
        want = np.zeros_like(x)
        want[kept] = w.sum(0)
        np.testing.assert_allclose(net.blobs["x"].diff, want, rtol=1e-5, atol=1e-6)
        assert not net.blobs["s"].diff.any()
    with pytest.raises(caffe.NetDefinitionError, match="layer 'f'.*one top per filtered bottom"):
        build('layer { name: "f" type: "Filter" bottom: "b0" bottom: "b1" top: "y" top: "z" }', [(4, 3), (4,)])
