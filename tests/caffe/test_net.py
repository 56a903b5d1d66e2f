"""Part 2: the net builder (phase/level/stage rules, splits, in-place blobs, shared parameters,
lr/decay multipliers, loss weights, propagate_down, force_backward) and pycaffe's Net API."""
import numpy as np
import pytest

from unigrad import caffe

RNG = np.random.default_rng(4)

INPUT = 'layer { name: "in" type: "Input" top: "x" input_param { shape { dim: 2 dim: 3 } } } '


def ip(name, bottom, top, extra="", n=2):
    return (f'layer {{ name: "{name}" type: "InnerProduct" bottom: "{bottom}" top: "{top}" {extra} '
            f'inner_product_param {{ num_output: {n} weight_filler {{ type: "gaussian" }} '
            f'bias_filler {{ type: "gaussian" }} }} }} ')


def test_phase_level_and_stage_rules():
    text = (INPUT + ip("a", "x", "a", 'include { phase: TRAIN }') + ip("b", "x", "b", 'include { phase: TEST }')
            + ip("c", "x", "c", 'include { min_level: 2 }') + ip("d", "x", "d", 'include { stage: "deploy" }')
            + ip("e", "x", "e", 'exclude { not_stage: "deploy" }')
            + ip("f", "x", "f", 'include { stage: "s1" stage: "s2" } include { max_level: -1 }'))

    def names(**kw):
        return [layer.name for layer in caffe.Net(text, **kw).built.layers if layer.type != "Split"]
    assert names(phase=caffe.TRAIN) == ["in", "a"]
    assert names(phase=caffe.TEST) == ["in", "b"]
    assert names(phase=caffe.TEST, level=2) == ["in", "b", "c"]
    assert names(phase=caffe.TEST, stages=["deploy"]) == ["in", "b", "d", "e"]
    assert names(phase=caffe.TEST, stages=["s1", "s2"]) == ["in", "b", "f"]
    assert names(phase=caffe.TEST, level=-3) == ["in", "b", "f"]
    with pytest.raises(caffe.NetDefinitionError, match="either include rules or exclude rules"):
        caffe.Net(INPUT + ip("g", "x", "g", 'include { phase: TEST } exclude { phase: TRAIN }'), caffe.TEST)


def test_outputs_are_sorted_by_name_and_inputs_are_input_tops():
    net = caffe.Net(INPUT + ip("z", "x", "zz") + ip("a", "x", "aa"), caffe.TEST)
    assert net.outputs == ["aa", "zz"] and net.inputs == ["x"]
    assert list(net.blobs) == ["x", "x_in_0_split_0", "x_in_0_split_1", "zz", "aa"]
    assert list(net.params) == ["z", "a"] and [b.shape for b in net.params["z"]] == [(2, 3), (2,)]


def test_forward_and_backward_over_a_range_of_layers():
    net = caffe.Net("force_backward: true " + INPUT + ip("a", "x", "h", n=4) + 'layer { name: "r" type: "ReLU" bottom: "h" top: "h" } '
                    + ip("b", "h", "y"), caffe.TEST)
    x = RNG.standard_normal((2, 3)).astype(np.float32)
    full = net.forward(x=x)["y"].copy()
    assert set(net.forward(end="a")) == {"h"}
    h = net.blobs["h"].data.copy()
    np.testing.assert_allclose(h, x @ net.params["a"][0].data.T + net.params["a"][1].data, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(net.forward(start="r")["y"], full, rtol=1e-6)
    np.testing.assert_allclose(net.forward(start="r", blobs=["h"])["h"], np.maximum(h, 0), rtol=1e-6)
    grads = net.backward(y=np.ones((2, 2), np.float32), diffs=["h"])
    assert set(grads) == {"x", "h"}
    w2 = net.params["b"][0].data
    np.testing.assert_allclose(net.params["b"][0].diff, np.ones((2, 2)).T @ np.maximum(h, 0), rtol=1e-5, atol=1e-6)
    dh = np.ones((2, 2)) @ w2 * (h > 0)
    np.testing.assert_allclose(grads["h"], dh, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(grads["x"], dh @ net.params["a"][0].data, rtol=1e-5, atol=1e-6)
    part = net.backward(start="b", end="b")
    assert list(part) == ["h"]


LOSS = ('layer { name: "t" type: "Input" top: "t" input_param { shape { dim: 2 dim: 2 } } } '
        'layer { name: "loss" type: "EuclideanLoss" bottom: "y" bottom: "t" top: "loss" } ')


def test_backward_is_pruned_as_in_caffe():
    # a net without a loss computes no gradients (Caffe: no layer contributes to a loss) ...
    net = caffe.Net(INPUT + ip("a", "x", "y"), caffe.TEST)
    net.forward(x=np.ones((2, 3), np.float32))
    net.backward(y=np.ones((2, 2), np.float32))
    assert not net.params["a"][0].diff.any()
    # ... and with a loss, the data inputs get none either, unless force_backward is set
    net = caffe.Net(INPUT + ip("a", "x", "y") + LOSS, caffe.TEST)
    net.forward(x=np.ones((2, 3), np.float32), t=np.zeros((2, 2), np.float32))
    grads = net.backward()
    assert net.params["a"][0].diff.any() and not grads["x"].any()
    assert net.blobs["loss"].diff == 1.0  # the loss top's diff is its weight


def test_force_backward_gives_input_gradients():
    net = caffe.Net('force_backward: true ' + INPUT + ip("a", "x", "y"), caffe.TEST)
    x = RNG.standard_normal((2, 3)).astype(np.float32)
    net.forward(x=x)
    grads = net.backward(y=np.ones((2, 2), np.float32))
    np.testing.assert_allclose(grads["x"], np.ones((2, 2)) @ net.params["a"][0].data, rtol=1e-5)


def test_propagate_down_and_lr_mult_zero_stop_gradients():
    text = (INPUT + ip("a", "x", "h") + ip("b", "h", "y", "propagate_down: false") + LOSS)
    net = caffe.Net(text, caffe.TEST)
    net.forward(x=np.ones((2, 3), np.float32), t=np.zeros((2, 2), np.float32))
    net.backward()
    assert not net.blobs["h"].diff.any() and net.params["b"][0].diff.any() and not net.params["a"][0].diff.any()
    layers = {layer.name: layer for layer in net.built.layers}
    assert layers["b"].bottom_need_grad == [False] and not layers["a"].need_backward
    net = caffe.Net(INPUT + ip("a", "x", "h", "param { lr_mult: 0 } param { lr_mult: 0 }") + ip("b", "h", "y") + LOSS,
                    caffe.TEST)
    net.forward(x=np.ones((2, 3), np.float32), t=np.zeros((2, 2), np.float32))
    net.backward()
    assert not net.params["a"][0].diff.any() and net.params["b"][0].diff.any()
    assert not net.blobs["h"].diff.any()  # nothing below h learns, so Caffe computes no diff for it
    # force_backward overrides propagate_down: false where the layer allows it (Caffe's rule)
    net = caffe.Net("force_backward: true " + text, caffe.TEST)
    assert {layer.name: layer for layer in net.built.layers}["b"].bottom_need_grad == [True]


def test_shared_parameters_are_one_blob_with_the_owners_multipliers():
    text = ("force_backward: true " + INPUT + ip("a", "x", "ya", 'param { name: "w" lr_mult: 2 } param { name: "bias" decay_mult: 0 }')
            + ip("b", "x", "yb", 'param { name: "w" } param { name: "bias" }'))
    net = caffe.Net(text, caffe.TRAIN)
    assert net.params["a"][0].tensor is net.params["b"][0].tensor
    assert len(net.built.learnables) == 2
    w, bias = net.built.learnables
    assert (w.lr_mult, w.decay_mult, bias.lr_mult, bias.decay_mult) == (2, 1, 1, 0)
    out = net.forward(x=np.ones((2, 3), np.float32))
    np.testing.assert_allclose(out["ya"], out["yb"])
    net.backward(ya=np.ones((2, 2), np.float32), yb=np.ones((2, 2), np.float32))
    np.testing.assert_allclose(net.params["a"][0].diff, 2 * np.ones((2, 2)).T @ np.ones((2, 3)), rtol=1e-6)
    with pytest.raises(caffe.NetDefinitionError, match="shape mismatch"):
        caffe.Net(INPUT + ip("a", "x", "ya", 'param { name: "w" }') + ip("b", "x", "yb", 'param { name: "w" }', n=3),
                  caffe.TEST)
    with pytest.raises(caffe.NetDefinitionError, match="mismatched lr_mult"):
        caffe.Net(INPUT + ip("a", "x", "ya", 'param { name: "w" lr_mult: 1 }')
                  + ip("b", "x", "yb", 'param { name: "w" lr_mult: 3 }'), caffe.TEST)
    permissive = caffe.Net(INPUT + ip("a", "x", "ya", 'param { name: "w" }', n=2)
                           + 'layer { name: "b" type: "InnerProduct" bottom: "ya" top: "yb" param { name: "w" '
                             'share_mode: PERMISSIVE } inner_product_param { num_output: 3 bias_term: false } }',
                           caffe.TEST)
    assert permissive.params["b"][0].shape == (3, 2)  # the owner's 2 x 3 values seen as 3 x 2


def test_definition_errors_name_the_layer():
    with pytest.raises(caffe.NetDefinitionError, match="unknown bottom blob 'nope' \\(layer 'a', bottom index 0\\)"):
        caffe.Net(INPUT + ip("a", "nope", "y"), caffe.TEST)
    with pytest.raises(caffe.NetDefinitionError, match="produced by multiple sources"):
        caffe.Net(INPUT + ip("a", "x", "y") + ip("b", "x", "y"), caffe.TEST)
    with pytest.raises(caffe.NetDefinitionError, match="too many param specs"):
        caffe.Net(INPUT + ip("a", "x", "y", "param {} param {} param {}"), caffe.TEST)
    with pytest.raises(caffe.LayerShapeError, match="layer 'c' \\(type Concat\\)"):
        caffe.Net(INPUT + ip("a", "x", "y") + 'layer { name: "c" type: "Concat" bottom: "x" bottom: "y" top: "z" '
                  'concat_param { axis: 0 } }', caffe.TEST)


def test_every_unsupported_layer_is_named_in_one_error():
    text = (INPUT + 'layer { name: "w1" type: "Normalize" top: "q" include { phase: TRAIN } } '
            'layer { name: "roi" type: "ROIPooling" bottom: "x" top: "s" } layer { name: "prior" type: "PriorBox" bottom: "x" top: "l" }')
    with pytest.raises(caffe.NetDefinitionError) as err:
        caffe.Net(text, caffe.TEST)
    message = str(err.value)
    assert "3 layer(s)" in message and "'roi': type 'ROIPooling'" in message and "'prior': type 'PriorBox'" in message
    assert "'w1': type 'Normalize' (not in this phase)" in message and "Supported types:" in message


def test_pycaffe_constructor_forms_and_weights(tmp_path):
    text = INPUT + ip("a", "x", "y")
    path = tmp_path / "n.prototxt"
    path.write_text(text)
    net = caffe.Net(str(path), caffe.TEST)
    net.save(str(tmp_path / "w.caffemodel"))
    other = caffe.Net(str(path), str(tmp_path / "w.caffemodel"), caffe.TEST)
    np.testing.assert_array_equal(other.params["a"][0].data, net.params["a"][0].data)
    third = caffe.Net(str(path), phase=caffe.TEST, weights=str(tmp_path / "w.caffemodel"))
    np.testing.assert_array_equal(third.params["a"][1].data, net.params["a"][1].data)
    assert net.phase == caffe.TEST and "Net" in repr(net)


def test_reshape_propagates_new_input_shapes():
    net = caffe.Net('layer { name: "in" type: "Input" top: "x" input_param { shape { dim: 1 dim: 1 dim: 8 dim: 8 } } } '
                    'layer { name: "c" type: "Convolution" bottom: "x" top: "c" convolution_param { num_output: 2 '
                    'kernel_size: 3 } } layer { name: "p" type: "Pooling" bottom: "c" top: "p" pooling_param { '
                    'pool: MAX kernel_size: 2 stride: 2 } }', caffe.TEST)
    assert net.blobs["p"].shape == (1, 2, 3, 3)
    net.blobs["x"].reshape(4, 1, 12, 10)
    net.reshape()
    assert net.blobs["c"].shape == (4, 2, 10, 8) and net.blobs["p"].shape == (4, 2, 5, 4)
    assert net.forward(x=np.ones((4, 1, 12, 10), np.float32))["p"].shape == (4, 2, 5, 4)


def test_param_blob_data_is_the_weights_memory():
    net = caffe.Net(INPUT + ip("a", "x", "y"), caffe.TEST)
    net.params["a"][0].data[...] = 1.0
    net.params["a"][1].data[...] = 0.5
    np.testing.assert_allclose(net.forward(x=np.ones((2, 3), np.float32))["y"], np.full((2, 2), 3.5))


def test_forward_all_batches_pads_and_trims():
    net = caffe.Net(INPUT + ip("a", "x", "y"), caffe.TEST)
    w, b = net.params["a"][0].data, net.params["a"][1].data
    x = RNG.standard_normal((5, 3)).astype(np.float32)  # batch 2: three batches, the last padded
    out = net.forward_all(blobs=["x"], x=x)
    assert set(out) == {"y", "x"} and out["y"].shape == (5, 2)
    np.testing.assert_allclose(out["y"], x @ w.T + b, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(out["x"], x)
    with pytest.raises(caffe.NetDefinitionError, match="different lengths"):
        net.forward_all(x=x, y=x[:2])


def test_forward_backward_all_gives_input_gradients():
    net = caffe.Net("force_backward: true " + INPUT + ip("a", "x", "y"), caffe.TEST)
    w = net.params["a"][0].data
    x = RNG.standard_normal((3, 3)).astype(np.float32)
    dy = RNG.standard_normal((3, 2)).astype(np.float32)
    outs, diffs = net.forward_backward_all(x=x, y=dy)
    assert outs["y"].shape == (3, 2) and diffs["x"].shape == (3, 3)
    np.testing.assert_allclose(diffs["x"], dy @ w, rtol=1e-5, atol=1e-6)
