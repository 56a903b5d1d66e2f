"""Part 2: layers that move, combine or reduce blobs (Eltwise, Concat, Slice, Split, Flatten,
Reshape, Crop, Tile, Reduction, Embed, ArgMax, Silence, DummyData, Input, Parameter)."""
import numpy as np
import pytest

from unigrad import caffe

from .layer_check import build, check

RNG = np.random.default_rng(2)


def rand(*shape):
    return RNG.standard_normal(shape)


def test_eltwise_sum_with_coefficients_and_prod():
    a, b, c = rand(2, 3), rand(2, 3), rand(2, 3)
    check('layer { name: "L" type: "Eltwise" bottom: "b0" bottom: "b1" bottom: "b2" top: "t0" '
          'eltwise_param { operation: SUM coeff: 1 coeff: -0.5 coeff: 2 } }', [a, b, c],
          lambda bs, ps: [bs[0] - 0.5 * bs[1] + 2 * bs[2]], ["t0"])
    check('layer { name: "L" type: "Eltwise" bottom: "b0" bottom: "b1" bottom: "b2" top: "t0" '
          'eltwise_param { operation: PROD } }', [a, b, c], lambda bs, ps: [bs[0] * bs[1] * bs[2]], ["t0"])


def test_eltwise_max_routes_the_gradient_to_the_maximum_with_caffes_ties():
    a, b, c = rand(3, 4), rand(3, 4), rand(3, 4)
    check('layer { name: "L" type: "Eltwise" bottom: "b0" bottom: "b1" bottom: "b2" top: "t0" '
          'eltwise_param { operation: MAX } }', [a, b, c], lambda bs, ps: [np.maximum(np.maximum(bs[0], bs[1]), bs[2])],
          ["t0"])
    # ties: of the first two bottoms the second wins; a later bottom must be strictly greater
    net = build('layer { name: "L" type: "Eltwise" bottom: "b0" bottom: "b1" bottom: "b2" top: "t0" '
                'eltwise_param { operation: MAX } }', [(1, 2)] * 3)
    net.forward(b0=[[1.0, 0.0]], b1=[[1.0, 0.0]], b2=[[1.0, 0.0]])
    net.blobs["t0"].diff[...] = 1
    net.backward()
    assert [net.blobs[f"b{i}"].diff.tolist() for i in range(3)] == [[[0, 0]], [[1, 1]], [[0, 0]]]


def test_concat_and_slice():
    a, b = rand(2, 3, 2), rand(2, 1, 2)
    check('layer { name: "L" type: "Concat" bottom: "b0" bottom: "b1" top: "t0" }', [a, b],
          lambda bs, ps: [np.concatenate(bs, 1)], ["t0"])
    check('layer { name: "L" type: "Concat" bottom: "b0" bottom: "b1" top: "t0" concat_param { axis: -1 } }',
          [a, rand(2, 3, 5)], lambda bs, ps: [np.concatenate(bs, -1)], ["t0"])
    x = rand(2, 6, 3)
    check('layer { name: "L" type: "Slice" bottom: "b0" top: "t0" top: "t1" top: "t2" '
          'slice_param { slice_point: 1 slice_point: 4 } }', [x],
          lambda bs, ps: [bs[0][:, :1], bs[0][:, 1:4], bs[0][:, 4:]], ["t0", "t1", "t2"])
    check('layer { name: "L" type: "Slice" bottom: "b0" top: "t0" top: "t1" slice_param { axis: 2 slice_point: 1 } }',
          [x], lambda bs, ps: [bs[0][:, :, :1], bs[0][:, :, 1:]], ["t0", "t1"])
    check('layer { name: "L" type: "Slice" bottom: "b0" top: "t0" top: "t1" top: "t2" }', [x],
          lambda bs, ps: np.split(bs[0], 3, axis=1), ["t0", "t1", "t2"])  # equal parts
    with pytest.raises(caffe.NetDefinitionError, match="slice_point"):
        build('layer { name: "L" type: "Slice" bottom: "b0" top: "t0" top: "t1" slice_param { slice_point: 9 } }',
              [x.shape])


def test_a_blob_with_two_readers_gets_caffes_split_layer_and_summed_gradients():
    x = rand(2, 3)
    net = build('layer { name: "sq" type: "Eltwise" bottom: "b0" bottom: "b0" top: "t0" '
                'eltwise_param { operation: PROD } }', [x.shape])
    names = [layer.name for layer in net.built.layers]
    assert names == ["in", "b0_in_0_split", "sq"]
    assert net.bottom_names["sq"] == ["b0_in_0_split_0", "b0_in_0_split_1"]
    assert "b0_in_0_split_1" in net.blobs
    net.forward(b0=x)
    net.blobs["t0"].diff[...] = 1
    net.backward()
    np.testing.assert_allclose(net.blobs["b0"].diff, 2 * x, rtol=1e-6)


def test_flatten_reshape_crop_tile():
    x = rand(2, 3, 4, 5)
    check('layer { name: "L" type: "Flatten" bottom: "b0" top: "t0" }', [x],
          lambda bs, ps: [bs[0].reshape(2, -1)], ["t0"])
    check('layer { name: "L" type: "Flatten" bottom: "b0" top: "t0" flatten_param { axis: 1 end_axis: 2 } }', [x],
          lambda bs, ps: [bs[0].reshape(2, 12, 5)], ["t0"])
    check('layer { name: "L" type: "Reshape" bottom: "b0" top: "t0" reshape_param { shape { dim: 0 dim: -1 dim: 4 } } }',
          [x], lambda bs, ps: [bs[0].reshape(2, 15, 4)], ["t0"])
    check('layer { name: "L" type: "Reshape" bottom: "b0" top: "t0" '
          'reshape_param { shape { dim: 2 dim: 2 } axis: 2 num_axes: 1 } }', [x],
          lambda bs, ps: [bs[0].reshape(2, 3, 2, 2, 5)], ["t0"])
    check('layer { name: "L" type: "Reshape" bottom: "b0" top: "t0" reshape_param { shape { dim: 1 } axis: 0 '
          'num_axes: 0 } }', [x], lambda bs, ps: [bs[0][None]], ["t0"])
    ref = rand(2, 3, 2, 3)
    check('layer { name: "L" type: "Crop" bottom: "b0" bottom: "b1" top: "t0" crop_param { axis: 2 offset: 1 offset: 2 } }',
          [x, ref], lambda bs, ps: [bs[0][:, :, 1:3, 2:5]], ["t0"], diff_bottoms=[0])
    check('layer { name: "L" type: "Tile" bottom: "b0" top: "t0" tile_param { axis: 1 tiles: 3 } }', [rand(2, 2, 3)],
          lambda bs, ps: [np.tile(bs[0], (1, 3, 1))], ["t0"])
    with pytest.raises(caffe.CaffeError, match="cannot infer|elements"):
        build('layer { name: "L" type: "Reshape" bottom: "b0" top: "t0" reshape_param { shape { dim: 7 dim: -1 } } }',
              [x.shape])


@pytest.mark.parametrize("op,axis,fn", [("SUM", 1, lambda x: x.sum(-1)), ("ASUM", 0, lambda x: np.abs(x).sum()),
                                        ("SUMSQ", 2, lambda x: (x ** 2).sum(-1)), ("MEAN", 1, lambda x: x.mean(-1))])
def test_reduction(op, axis, fn):
    x = rand(2, 3, 4)
    x[np.abs(x) < 0.05] = 0.3

    def ref(bs, ps):
        return [fn(bs[0].reshape(bs[0].shape[:axis] + (-1,))) * 0.5]
    check(f'layer {{ name: "L" type: "Reduction" bottom: "b0" top: "t0" reduction_param {{ operation: {op} '
          f'axis: {axis} coeff: 0.5 }} }}', [x], ref, ["t0"])


def test_embed():
    index = np.array([[0, 3], [2, 2]], float)
    w, b = rand(4, 3), rand(3)
    net = check('layer { name: "L" type: "Embed" bottom: "b0" top: "t0" embed_param { num_output: 3 input_dim: 4 } }',
                [index], lambda bs, ps: [ps[0][bs[0].astype(int)] + ps[1]], ["t0"], params=[w, b], diff_bottoms=[])
    assert net.blobs["t0"].shape == (2, 2, 3)


def test_argmax():
    x = np.array([[3.0, 1.0, 3.0, 0.5], [0.1, 0.4, 0.2, 0.3]])
    net = check('layer { name: "L" type: "ArgMax" bottom: "b0" top: "t0" }', [x],
                lambda bs, ps: [np.array([[[2.0]], [[1.0]]])], ["t0"], check_grads=False)  # a tie: the larger index
    check('layer { name: "L" type: "ArgMax" bottom: "b0" top: "t0" argmax_param { top_k: 2 out_max_val: true } }', [x],
          lambda bs, ps: [np.array([[[2.0, 0.0], [3.0, 3.0]], [[1.0, 3.0], [0.4, 0.3]]])], ["t0"], check_grads=False)
    check('layer { name: "L" type: "ArgMax" bottom: "b0" top: "t0" argmax_param { axis: 1 out_max_val: true } }', [x],
          lambda bs, ps: [np.array([[3.0], [0.4]])], ["t0"], check_grads=False)
    assert net.blobs["t0"].shape == (2, 1, 1)


def test_silence_consumes_its_bottom():
    net = build('layer { name: "ip" type: "InnerProduct" bottom: "b0" top: "t0" inner_product_param { num_output: 2 } } '
                'layer { name: "s" type: "Silence" bottom: "t0" }', [(2, 3)])
    assert net.outputs == []
    net.forward(b0=np.ones((2, 3)))


def test_dummy_data_input_and_parameter():
    net = caffe.Net('name: "d" layer { name: "d" type: "DummyData" top: "a" top: "b" dummy_data_param { '
                    'shape { dim: 2 dim: 3 } shape { dim: 4 } data_filler { type: "constant" value: 2 } '
                    'data_filler { type: "uniform" min: 5 max: 6 } } } '
                    'layer { name: "p" type: "Parameter" top: "w" parameter_param { shape { dim: 2 } } }', caffe.TEST)
    out = net.forward()
    np.testing.assert_array_equal(out["a"], np.full((2, 3), 2.0))
    assert out["b"].shape == (4,) and (out["b"] >= 5).all() and (out["b"] <= 6).all()
    first_b = out["b"].copy()
    assert (net.forward()["b"] != first_b).any()  # non-constant fillers refill every pass
    np.testing.assert_array_equal(out["w"], [0.0, 0.0])
    legacy = caffe.Net('layer { name: "d" type: "DummyData" top: "a" dummy_data_param { num: 2 channels: 1 height: 3 '
                       'width: 4 } }', caffe.TEST)
    assert legacy.blobs["a"].shape == (2, 1, 3, 4)
    net = caffe.Net('layer { name: "in" type: "Input" top: "x" top: "y" input_param { shape { dim: 1 dim: 2 } } }',
                    caffe.TEST)
    assert net.inputs == ["x", "y"] and net.blobs["y"].shape == (1, 2)
