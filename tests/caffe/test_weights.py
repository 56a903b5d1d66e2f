"""Part 3: real Caffe weights. The fixture LeNet snapshots score what Caffe's runs scored on the
10,000 MNIST test images; a .caffemodel written here has Caffe's bytes; bad weights files get
clear errors."""
import os

import numpy as np
import pytest

from unigrad import caffe
from unigrad.caffe.proto import caffe_pb2 as pb

from .conftest import fixture


@pytest.fixture
def caffe_tree(mnist_lmdb, tmp_path, monkeypatch):
    """A working folder laid out as Caffe's examples expect (examples/mnist/mnist_{train,test}_lmdb)."""
    os.makedirs(tmp_path / "examples" / "mnist")
    for name in ("mnist_train_lmdb", "mnist_test_lmdb"):
        os.symlink(mnist_lmdb, tmp_path / "examples" / "mnist" / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("weights,accuracy", [("lenet_iter_5000.caffemodel", 0.9899),
                                              ("lenet_iter_10000.caffemodel", 0.9833)])
def test_fixture_weights_reproduce_caffes_test_accuracy(lenet_prototxt, weights, accuracy):
    net = caffe.Net(lenet_prototxt, fixture(weights), caffe.TEST)
    correct = 0
    for _ in range(100):  # 100 batches of 100: the whole test set, once
        out = net.forward()
        scores, labels = net.blobs["ip2"].data, net.blobs["label"].data
        correct += int((scores.argmax(1) == labels).sum())
        assert out["accuracy"] == pytest.approx((scores.argmax(1) == labels).mean(), abs=1e-6)
    assert correct == round(accuracy * 10000)


def test_a_caffemodel_written_here_is_caffes_file_byte_for_byte(caffe_tree):
    original = open(fixture("lenet_iter_10000.caffemodel"), "rb").read()
    net = caffe.Net(fixture("lenet_train_test.prototxt"), fixture("lenet_iter_10000.caffemodel"), caffe.TRAIN)
    net.save("out.caffemodel")
    written = open("out.caffemodel", "rb").read()
    assert len(written) == 1725006
    assert written == original
    again = caffe.Net(fixture("lenet_train_test.prototxt"), "out.caffemodel", caffe.TRAIN)
    for name in net.params:
        for a, b in zip(net.params[name], again.params[name]):
            np.testing.assert_array_equal(a.data, b.data)  # bit-exact


def test_weights_load_by_layer_name_and_ignore_unknown_layers(caffe_tree):
    text = open(fixture("lenet_train_test.prototxt")).read().replace('name: "ip2"', 'name: "ip2_new"')
    net = caffe.Net(text, fixture("lenet_iter_10000.caffemodel"), caffe.TEST)  # the fine-tuning idiom
    source = pb.NetParameter.FromString(open(fixture("lenet_iter_10000.caffemodel"), "rb").read())
    conv1 = np.asarray(source.layer[1].blobs[0].data, np.float32).reshape(20, 1, 5, 5)
    np.testing.assert_array_equal(net.params["conv1"][0].data, conv1)
    assert not net.params["ip2_new"][1].data.any()  # kept its constant-0 filler


def test_legacy_four_d_blob_shapes_load(caffe_tree, tmp_path):
    source = pb.NetParameter.FromString(open(fixture("lenet_iter_10000.caffemodel"), "rb").read())
    for layer in source.layer:
        for blob in layer.blobs:
            dims = list(blob.shape.dim)
            legacy = [1] * (4 - len(dims)) + dims
            blob.ClearField("shape")
            blob.num, blob.channels, blob.height, blob.width = legacy
    path = tmp_path / "legacy.caffemodel"
    path.write_bytes(source.SerializeToString())
    net = caffe.Net(fixture("lenet_train_test.prototxt"), str(path), caffe.TEST)
    assert net.params["ip1"][0].shape == (500, 800) and net.params["ip1"][1].data.any()


def test_bad_weights_files_get_clear_errors(caffe_tree, tmp_path):
    prototxt = fixture("lenet_train_test.prototxt")
    with pytest.raises(caffe.CaffeFileError, match="solverstate.*--snapshot"):
        caffe.Net(prototxt, fixture("lenet_iter_5000.solverstate"), caffe.TEST)
    cut = tmp_path / "cut.caffemodel"
    cut.write_bytes(open(fixture("lenet_iter_5000.caffemodel"), "rb").read()[:900001])
    with pytest.raises(caffe.CaffeFileError, match="truncated"):
        caffe.Net(prototxt, str(cut), caffe.TEST)
    with pytest.raises(caffe.CaffeFileError, match="no such weights file"):
        caffe.Net(prototxt, str(tmp_path / "missing.caffemodel"), caffe.TEST)
    text = open(prototxt).read().replace("num_output: 500", "num_output: 400")
    with pytest.raises(caffe.WeightsMismatchError, match="layer 'ip1'.*Source param shape is \\[500, 800\\]; target "
                                                         "param shape is \\[400, 800\\].*rename the layer"):
        caffe.Net(text, fixture("lenet_iter_5000.caffemodel"), caffe.TEST)
    source = pb.NetParameter.FromString(open(fixture("lenet_iter_5000.caffemodel"), "rb").read())
    del source.layer[5].blobs[1]  # ip1 without its bias
    (tmp_path / "one_blob.caffemodel").write_bytes(source.SerializeToString())
    with pytest.raises(caffe.WeightsMismatchError, match="incompatible number of blobs for layer 'ip1'"):
        caffe.Net(prototxt, str(tmp_path / "one_blob.caffemodel"), caffe.TEST)


def test_hdf5_weights_round_trip(caffe_tree):
    net = caffe.Net(fixture("lenet_train_test.prototxt"), fixture("lenet_iter_5000.caffemodel"), caffe.TEST)
    net.save_hdf5("w.caffemodel.h5")
    import h5py
    with h5py.File("w.caffemodel.h5") as f:
        assert sorted(f["data"]) == sorted(layer.name for layer in net.built.layers)
        assert f["data/ip1/0"].shape == (500, 800)
    other = caffe.Net(fixture("lenet_train_test.prototxt"), "w.caffemodel.h5", caffe.TEST)
    np.testing.assert_array_equal(other.params["ip1"][0].data, net.params["ip1"][0].data)


def test_written_files_get_the_usual_permissions(caffe_tree):
    """Written via a temporary file and a rename, yet readable by others as Caffe's files are
    (mkstemp alone would leave them 0600)."""
    import stat
    from unigrad.caffe.parse import _UMASK
    net = caffe.Net(fixture("lenet_train_test.prototxt"), caffe.TEST)
    net.save("w.caffemodel")
    net.save_hdf5("w.caffemodel.h5")
    for name in ("w.caffemodel", "w.caffemodel.h5"):
        assert stat.S_IMODE(os.stat(name).st_mode) == 0o666 & ~_UMASK
    assert sorted(os.listdir(".")) == ["examples", "w.caffemodel", "w.caffemodel.h5"]  # no temporary left
