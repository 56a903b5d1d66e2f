"""Part 2: vision layers (Convolution, Deconvolution, Pooling, InnerProduct, LRN) against float64
NumPy references written from Caffe's definitions (forward) and their finite differences
(backward), and against PyTorch where it has the same op."""
import math

import numpy as np
import pytest
import torch

from .layer_check import check

RNG = np.random.default_rng(0)


def rand(*shape):
    return RNG.standard_normal(shape)


# ---- references ---------------------------------------------------------------------------
def conv_ref(x, w, b, stride, pad, dilation, group):
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    oh = (h + 2 * pad[0] - (dilation[0] * (kh - 1) + 1)) // stride[0] + 1
    ow = (wd + 2 * pad[1] - (dilation[1] * (kw - 1) + 1)) // stride[1] + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])))
    out = np.zeros((n, o, oh, ow))
    og = o // group
    for g in range(group):
        for oc in range(g * og, (g + 1) * og):
            for i in range(kh):
                for j in range(kw):
                    patch = xp[:, g * cg:(g + 1) * cg, i * dilation[0]:i * dilation[0] + stride[0] * oh:stride[0],
                               j * dilation[1]:j * dilation[1] + stride[1] * ow:stride[1]]
                    out[:, oc] += np.einsum("nchw,c->nhw", patch, w[oc, :, i, j])
    if b is not None:
        out += b.reshape(1, -1, 1, 1)
    return out


def deconv_ref(x, w, b, stride, pad, dilation, group):
    n, c, h, wd = x.shape
    _, og, kh, kw = w.shape
    o = og * group
    oh = stride[0] * (h - 1) + dilation[0] * (kh - 1) + 1 - 2 * pad[0]
    ow = stride[1] * (wd - 1) + dilation[1] * (kw - 1) + 1 - 2 * pad[1]
    full = np.zeros((n, o, oh + 2 * pad[0], ow + 2 * pad[1]))
    cg = c // group
    for g in range(group):
        for ic in range(g * cg, (g + 1) * cg):
            for i in range(kh):
                for j in range(kw):
                    full[:, g * og:(g + 1) * og, i * dilation[0]:i * dilation[0] + stride[0] * h:stride[0],
                         j * dilation[1]:j * dilation[1] + stride[1] * wd:stride[1]] += \
                        x[:, ic, None, :, :] * w[ic, :, i, j][None, :, None, None]
    out = full[:, :, pad[0]:pad[0] + oh, pad[1]:pad[1] + ow]
    if b is not None:
        out = out + b.reshape(1, -1, 1, 1)
    return out


def pool_ref(x, kernel, stride, pad, method, ceil=True):
    """Caffe's pooling_layer.cpp loops."""
    n, c, h, w = x.shape
    size = []
    for s, k, p, st in zip((h, w), kernel, pad, stride):
        out = int(math.ceil((s + 2 * p - k) / st) if ceil else math.floor((s + 2 * p - k) / st)) + 1
        if p and (out - 1) * st >= s + p:
            out -= 1
        size.append(out)
    out = np.zeros((n, c, size[0], size[1]))
    for ph in range(size[0]):
        for pw in range(size[1]):
            hs, ws = ph * stride[0] - pad[0], pw * stride[1] - pad[1]
            he, we = min(hs + kernel[0], h + pad[0]), min(ws + kernel[1], w + pad[1])
            area = (he - hs) * (we - ws)
            hs, ws, he, we = max(hs, 0), max(ws, 0), min(he, h), min(we, w)
            window = x[:, :, hs:he, ws:we]
            out[:, :, ph, pw] = window.max(axis=(2, 3)) if method == "MAX" else window.sum(axis=(2, 3)) / area
    return out


def lrn_ref(x, size, alpha, beta, k, region):
    n, c, h, w = x.shape
    half = (size - 1) // 2
    sq = x ** 2
    if region == "ACROSS_CHANNELS":
        padded = np.pad(sq, ((0, 0), (half, half), (0, 0), (0, 0)))
        total = sum(padded[:, i:i + c] for i in range(size))
        return x * (k + alpha / size * total) ** -beta
    padded = np.pad(sq, ((0, 0), (0, 0), (half, half), (half, half)))
    total = sum(padded[:, :, i:i + h, j:j + w] for i in range(size) for j in range(size))
    return x * (1 + alpha / size ** 2 * total) ** -beta


# ---- tests --------------------------------------------------------------------------------
@pytest.mark.parametrize("conv,stride,pad,dilation,group", [
    ("kernel_size: 3", (1, 1), (0, 0), (1, 1), 1),
    ("kernel_size: 3 stride: 2 pad: 1", (2, 2), (1, 1), (1, 1), 1),
    ("kernel_h: 3 kernel_w: 2 stride_h: 2 stride_w: 1 pad_h: 1 pad_w: 0", (2, 1), (1, 0), (1, 1), 1),
    ("kernel_size: 3 dilation: 2 pad: 2", (1, 1), (2, 2), (2, 2), 1),
    ("kernel_size: 3 pad: 1 group: 2", (1, 1), (1, 1), (1, 1), 2),
    ("kernel_size: 3 pad: 1 group: 4", (1, 1), (1, 1), (1, 1), 4),   # depthwise: group = channels = outputs
])
def test_convolution(conv, stride, pad, dilation, group):
    x = rand(2, 4, 5, 6)
    c_out = 4
    kh, kw = (3, 2) if "kernel_w: 2" in conv else (3, 3)
    w, b = rand(c_out, 4 // group, kh, kw) * 0.3, rand(c_out)
    layer = (f'layer {{ name: "L" type: "Convolution" bottom: "b0" top: "t0" convolution_param {{ num_output: {c_out} '
             f'{conv} }} }}')
    net = check(layer, [x], lambda bs, ps: [conv_ref(bs[0], ps[0], ps[1], stride, pad, dilation, group)], ["t0"],
                params=[w, b])
    got = torch.nn.functional.conv2d(torch.tensor(x, dtype=torch.float32), torch.tensor(w, dtype=torch.float32),
                                     torch.tensor(b, dtype=torch.float32), stride, pad, dilation, group)
    np.testing.assert_allclose(net.blobs["t0"].data, got.numpy(), rtol=1e-4, atol=1e-5)


def test_convolution_several_bottoms_share_weights_and_no_bias():
    x, y = rand(1, 2, 4, 4), rand(1, 2, 4, 4)
    w = rand(3, 2, 2, 2)
    layer = ('layer { name: "L" type: "Convolution" bottom: "b0" bottom: "b1" top: "t0" top: "t1" '
             'convolution_param { num_output: 3 kernel_size: 2 bias_term: false } }')
    check(layer, [x, y], lambda bs, ps: [conv_ref(bs[0], ps[0], None, (1, 1), (0, 0), (1, 1), 1),
                                         conv_ref(bs[1], ps[0], None, (1, 1), (0, 0), (1, 1), 1)],
          ["t0", "t1"], params=[w])


def test_convolution_over_one_spatial_axis():
    x, w, b = rand(2, 3, 7), rand(2, 3, 3), rand(2)
    layer = 'layer { name: "L" type: "Convolution" bottom: "b0" top: "t0" convolution_param { num_output: 2 kernel_size: 3 } }'
    check(layer, [x], lambda bs, ps: [conv_ref(bs[0][:, :, None], ps[0][:, :, None], ps[1], (1, 1), (0, 0), (1, 1),
                                               1)[:, :, 0]], ["t0"], params=[w, b])


@pytest.mark.parametrize("spec,stride,pad,group", [("kernel_size: 3 stride: 2", (2, 2), (0, 0), 1),
                                                   ("kernel_size: 4 stride: 2 pad: 1", (2, 2), (1, 1), 1),
                                                   ("kernel_size: 3 pad: 1 group: 2", (1, 1), (1, 1), 2)])
def test_deconvolution(spec, stride, pad, group):
    x = rand(2, 2, 3, 4)
    k = 4 if "kernel_size: 4" in spec else 3
    w, b = rand(2, 4 // group, k, k) * 0.5, rand(4)
    layer = f'layer {{ name: "L" type: "Deconvolution" bottom: "b0" top: "t0" convolution_param {{ num_output: 4 {spec} }} }}'
    net = check(layer, [x], lambda bs, ps: [deconv_ref(bs[0], ps[0], ps[1], stride, pad, (1, 1), group)], ["t0"],
                params=[w, b])
    got = torch.nn.functional.conv_transpose2d(torch.tensor(x, dtype=torch.float32),
                                               torch.tensor(w, dtype=torch.float32),
                                               torch.tensor(b, dtype=torch.float32), stride, pad, groups=group)
    np.testing.assert_allclose(net.blobs["t0"].data, got.numpy(), rtol=1e-4, atol=1e-5)


def test_bilinear_deconvolution_upsamples_as_fcn_does():
    x = rand(1, 2, 3, 3)
    layer = ('layer { name: "L" type: "Deconvolution" bottom: "b0" top: "t0" param { lr_mult: 0 } '
             'convolution_param { num_output: 2 group: 2 kernel_size: 4 stride: 2 bias_term: false '
             'weight_filler { type: "bilinear" } } }')
    from .layer_check import build
    net = build(layer, [x.shape])
    w = net.params["L"][0].data
    f, c = 2, 3 / 4
    axis = 1 - np.abs(np.arange(4) / f - c)
    np.testing.assert_allclose(w[0, 0], np.outer(axis, axis), rtol=1e-6)
    out = net.forward(b0=x)["t0"]
    assert out.shape == (1, 2, 8, 8)  # stride * (in - 1) + k
    np.testing.assert_allclose(out, deconv_ref(x, w.astype(np.float64), None, (2, 2), (0, 0), (1, 1), 2),
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("spec,kernel,stride,pad,ceil", [
    ("kernel_size: 2 stride: 2", (2, 2), (2, 2), (0, 0), True),
    ("kernel_size: 3 stride: 2", (3, 3), (2, 2), (0, 0), True),          # ceil: 7 -> 3, 6 -> 3 (floor: 2)
    ("kernel_size: 3 stride: 2 pad: 1", (3, 3), (2, 2), (1, 1), True),   # the pad-clipping rule
    ("kernel_size: 3 stride: 3 pad: 2", (3, 3), (3, 3), (2, 2), True),
    ("kernel_h: 3 kernel_w: 2 stride_h: 2 stride_w: 1 pad_h: 1", (3, 2), (2, 1), (1, 0), True),
    ("kernel_size: 3 stride: 2 round_mode: FLOOR", (3, 3), (2, 2), (0, 0), False),
])
@pytest.mark.parametrize("method", ["MAX", "AVE"])
def test_pooling(spec, kernel, stride, pad, ceil, method):
    x = RNG.permutation(2 * 3 * 7 * 6).reshape(2, 3, 7, 6) / 10.0  # distinct values: no ties at the kinks
    layer = f'layer {{ name: "L" type: "Pooling" bottom: "b0" top: "t0" pooling_param {{ pool: {method} {spec} }} }}'
    check(layer, [x], lambda bs, ps: [pool_ref(bs[0], kernel, stride, pad, method, ceil)], ["t0"],
          grad_atol=1e-3)


def test_pooling_output_sizes_are_caffes():
    from .layer_check import build
    # CIFAR-10's pool 3/2 on 32 gives 16 (floor would give 15); ResNet's pool1 3/2 on 112 gives 56
    for size, spec, want in ((32, "kernel_size: 3 stride: 2", 16), (112, "kernel_size: 3 stride: 2", 56), (112, "kernel_size: 3 stride: 2 pad: 1", 57),
                             (7, "kernel_size: 3 stride: 2 pad: 1", 4), (6, "kernel_size: 2 stride: 2 pad: 1", 4)):
        net = build(f'layer {{ name: "L" type: "Pooling" bottom: "b0" top: "t0" pooling_param {{ pool: MAX {spec} }} }}',
                    [(1, 1, size, size)])
        assert net.blobs["t0"].shape == (1, 1, want, want), (size, spec)


def test_max_pooling_matches_torch_ceil_mode_and_gives_caffes_mask():
    x = rand(2, 3, 9, 8)
    layer = ('layer { name: "L" type: "Pooling" bottom: "b0" top: "t0" top: "t1" '
             'pooling_param { pool: MAX kernel_size: 3 stride: 2 } }')
    net = check(layer, [x], lambda bs, ps: [pool_ref(bs[0], (3, 3), (2, 2), (0, 0), "MAX")], ["t0"],
                check_grads=False)
    values, index = torch.nn.functional.max_pool2d(torch.tensor(x, dtype=torch.float32), 3, 2, ceil_mode=True,
                                                   return_indices=True)
    np.testing.assert_allclose(net.blobs["t0"].data, values.numpy(), rtol=1e-6)
    np.testing.assert_array_equal(net.blobs["t1"].data, index.numpy().astype(np.float32))


def test_max_pooling_ties_go_to_the_first_element():
    x = np.ones((1, 1, 2, 2))
    layer = 'layer { name: "L" type: "Pooling" bottom: "b0" top: "t0" pooling_param { pool: MAX kernel_size: 2 } }'
    from .layer_check import build
    net = build(layer, [x.shape])
    net.forward(b0=x)
    net.blobs["t0"].diff[...] = 1
    net.backward()
    np.testing.assert_array_equal(net.blobs["b0"].diff, [[[[1, 0], [0, 0]]]])


def test_global_pooling():
    x = rand(2, 3, 4, 5)
    for method, fn in (("AVE", np.mean), ("MAX", np.max)):
        layer = f'layer {{ name: "L" type: "Pooling" bottom: "b0" top: "t0" pooling_param {{ pool: {method} global_pooling: true }} }}'
        check(layer, [x], lambda bs, ps, fn=fn: [fn(bs[0], axis=(2, 3), keepdims=True)], ["t0"],
              check_grads=method == "AVE")


@pytest.mark.parametrize("spec", ["", "axis: 2", "transpose: true", "bias_term: false"])
def test_inner_product(spec):
    x = rand(2, 3, 2, 2)
    axis = 2 if "axis: 2" in spec else 1
    k = int(np.prod(x.shape[axis:]))
    w = rand(k, 4) if "transpose" in spec else rand(4, k)
    params = [w] if "bias_term" in spec else [w, rand(4)]

    def ref(bs, ps):
        flat = bs[0].reshape(int(np.prod(bs[0].shape[:axis])), k)
        y = flat @ (ps[0] if "transpose" in spec else ps[0].T)
        if len(ps) == 2:
            y = y + ps[1]
        return [y.reshape(bs[0].shape[:axis] + (4,))]
    layer = f'layer {{ name: "L" type: "InnerProduct" bottom: "b0" top: "t0" inner_product_param {{ num_output: 4 {spec} }} }}'
    check(layer, [x], ref, ["t0"], params=params)


@pytest.mark.parametrize("region,k", [("ACROSS_CHANNELS", 2.0), ("WITHIN_CHANNEL", 1.0)])
def test_lrn(region, k):
    x = rand(2, 7, 5, 5)
    layer = (f'layer {{ name: "L" type: "LRN" bottom: "b0" top: "t0" lrn_param {{ local_size: 3 alpha: 0.5 beta: 0.75 '
             f'k: {k} norm_region: {region} }} }}')
    net = check(layer, [x], lambda bs, ps: [lrn_ref(bs[0], 3, 0.5, 0.75, k, region)], ["t0"])
    if region == "ACROSS_CHANNELS":
        got = torch.nn.functional.local_response_norm(torch.tensor(x, dtype=torch.float32), 3, 0.5, 0.75, k)
        np.testing.assert_allclose(net.blobs["t0"].data, got.numpy(), rtol=1e-5, atol=1e-6)
