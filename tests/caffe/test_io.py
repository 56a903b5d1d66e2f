"""pycaffe's caffe.io: blob/datum conversions, images, resizing (against torch's bilinear and
nearest-exact), ten-crop oversampling and the input Transformer."""
import numpy as np
import pytest
import torch

from unigrad import caffe
from unigrad.caffe.proto import caffe_pb2 as pb


def test_blobs_and_blob_vectors_round_trip():
    io = caffe.io
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    blob = io.array_to_blobproto(a, diff=-a)
    assert list(blob.shape.dim) == [2, 3, 4]
    np.testing.assert_array_equal(io.blobproto_to_array(blob), a)
    np.testing.assert_array_equal(io.blobproto_to_array(blob, return_diff=True), -a)
    legacy = pb.BlobProto(num=1, channels=2, height=1, width=3, data=[1, 2, 3, 4, 5, 6])
    assert io.blobproto_to_array(legacy).shape == (1, 2, 1, 3)
    arrays = io.blobprotovector_str_to_arraylist(io.arraylist_to_blobprotovector_str([a, a[0]]))
    assert [x.shape for x in arrays] == [(2, 3, 4), (3, 4)]
    np.testing.assert_array_equal(arrays[1], a[0])
    with pytest.raises(caffe.CaffeFileError, match="BlobProtoVector"):
        io.blobprotovector_str_to_arraylist(b"\xff\xff\xff")
    with pytest.raises(caffe.NetDefinitionError, match="diff shape"):
        io.array_to_blobproto(a, diff=a[0])


def test_datums_round_trip():
    io = caffe.io
    pixels = np.random.default_rng(0).integers(0, 256, (3, 4, 5)).astype(np.uint8)
    datum = io.array_to_datum(pixels, 7)
    assert (datum.channels, datum.height, datum.width, datum.label, len(datum.data)) == (3, 4, 5, 7, 60)
    np.testing.assert_array_equal(io.datum_to_array(pb.Datum.FromString(datum.SerializeToString())), pixels)
    floats = pixels.astype(np.float32) / 3
    again = io.datum_to_array(io.array_to_datum(floats))
    assert again.dtype == np.float32 and not len(io.array_to_datum(floats).data)
    np.testing.assert_allclose(again, floats, rtol=1e-7)


def test_load_image_is_rgb_in_unit_range(tmp_path):
    from PIL import Image
    rgb = np.random.default_rng(1).integers(0, 256, (6, 7, 3)).astype(np.uint8)
    Image.fromarray(rgb).save(tmp_path / "im.png")
    im = caffe.io.load_image(str(tmp_path / "im.png"))
    assert im.shape == (6, 7, 3) and im.dtype == np.float32
    np.testing.assert_allclose(im, rgb / 255.0, rtol=1e-6)
    gray = caffe.io.load_image(str(tmp_path / "im.png"), color=False)
    assert gray.shape == (6, 7, 1)
    with pytest.raises(caffe.CaffeFileError, match="no such image"):
        caffe.io.load_image(str(tmp_path / "missing.png"))


@pytest.mark.parametrize("size", [(9, 4), (3, 11), (5, 5)])
def test_resize_matches_torch(size):
    im = np.random.default_rng(2).random((5, 7, 3), dtype=np.float32)
    t = torch.tensor(im).permute(2, 0, 1)[None]
    ref = torch.nn.functional.interpolate(t, size=size, mode="bilinear", align_corners=False)
    np.testing.assert_allclose(caffe.io.resize_image(im, size), ref[0].permute(1, 2, 0).numpy(), rtol=1e-5,
                               atol=1e-6)
    ref = torch.nn.functional.interpolate(t, size=size, mode="nearest-exact")
    np.testing.assert_array_equal(caffe.io.resize_image(im, size, interp_order=0), ref[0].permute(1, 2, 0).numpy())


def test_oversample_gives_corners_centre_and_mirrors():
    im = np.arange(6 * 8 * 2, dtype=np.float32).reshape(6, 8, 2)
    crops = caffe.io.oversample([im, im + 1000], (4, 4))
    assert crops.shape == (20, 4, 4, 2)
    np.testing.assert_array_equal(crops[0], im[:4, :4])
    np.testing.assert_array_equal(crops[1], im[:4, 4:])
    np.testing.assert_array_equal(crops[2], im[2:, :4])
    np.testing.assert_array_equal(crops[3], im[2:, 4:])
    np.testing.assert_array_equal(crops[4], im[1:5, 2:6])
    np.testing.assert_array_equal(crops[5:10], crops[0:5, :, ::-1])
    np.testing.assert_array_equal(crops[10], im[:4, :4] + 1000)


def test_transformer_preprocess_and_deprocess():
    rng = np.random.default_rng(3)
    t = caffe.io.Transformer({"data": (1, 3, 4, 5)})
    t.set_transpose("data", (2, 0, 1))
    t.set_channel_swap("data", (2, 1, 0))
    t.set_raw_scale("data", 255)
    mean = np.array([104.0, 117.0, 123.0], np.float32)
    t.set_mean("data", mean)
    t.set_input_scale("data", 0.5)
    im = rng.random((4, 5, 3), dtype=np.float32)
    out = t.preprocess("data", im)
    expected = (im.transpose(2, 0, 1)[::-1] * 255 - mean[:, None, None]) * 0.5
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(t.deprocess("data", out), im, rtol=1e-5, atol=1e-5)
    assert t.preprocess("data", rng.random((8, 10, 3), dtype=np.float32)).shape == (3, 4, 5)  # resized to the blob
    with pytest.raises(caffe.NetDefinitionError, match="incompatible"):
        t.set_mean("data", np.zeros((3, 2, 2)))
    with pytest.raises(caffe.NetDefinitionError, match="channel"):
        t.set_channel_swap("data", (1, 0))
    with pytest.raises(caffe.NetDefinitionError, match="not one of the net inputs"):
        t.preprocess("label", im)
