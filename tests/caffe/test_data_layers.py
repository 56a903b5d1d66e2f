"""Part 7: data layers (Data over LMDB with transform_param, HDF5Data, HDF5Output, ImageData,
MemoryData) and Python layers."""
import os
import sys
import textwrap

import numpy as np
import pytest

from unigrad import caffe
from unigrad.caffe.data.lmdb_store import Writer
from unigrad.caffe.proto import caffe_pb2 as pb


def make_lmdb(path, images, labels):
    with Writer(str(path)) as db:
        for i, (image, label) in enumerate(zip(images, labels)):
            datum = pb.Datum(channels=image.shape[0], height=image.shape[1], width=image.shape[2],
                             data=image.astype(np.uint8).tobytes(), label=int(label))
            db.put(f"{i:08d}", datum.SerializeToString())


def data_net(source, transform="", batch=2, phase=caffe.TRAIN):
    return caffe.Net(f'layer {{ name: "d" type: "Data" top: "data" top: "label" transform_param {{ {transform} }} '
                     f'data_param {{ source: "{source}" batch_size: {batch} backend: LMDB }} }}', phase)


@pytest.fixture
def images(tmp_path):
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (5, 3, 6, 8)).astype(np.uint8)
    make_lmdb(tmp_path / "db", pixels, range(5))
    return str(tmp_path / "db"), pixels


def test_data_layer_batches_in_key_order_and_wraps(images):
    source, pixels = images
    net = data_net(source, "scale: 0.5", batch=2)
    assert net.blobs["data"].shape == (2, 3, 6, 8) and net.blobs["label"].shape == (2,)
    seen = []
    for _ in range(3):
        out = net.forward(blobs=["data", "label"])
        seen.extend(out["label"].tolist())
        np.testing.assert_allclose(out["data"], pixels[[int(l) for l in out["label"]]] * 0.5)
    assert seen == [0, 1, 2, 3, 4, 0]  # wraps around at the end


def test_transform_mean_values_mean_file_crop_and_mirror(images, tmp_path):
    source, pixels = images
    net = data_net(source, "mean_value: 10 mean_value: 20 mean_value: 30 scale: 2", batch=1)
    out = net.forward(blobs=["data"])["data"][0]
    np.testing.assert_allclose(out, (pixels[0] - np.array([10, 20, 30]).reshape(3, 1, 1)) * 2)
    mean = np.random.default_rng(1).uniform(0, 255, (3, 6, 8)).astype(np.float32)
    from unigrad.caffe.blobs import write_array
    write_array(str(tmp_path / "mean.binaryproto"), mean, legacy=True)
    # TEST phase: the centre crop, the mean file indexed at the same position
    net = data_net(source, f'mean_file: "{tmp_path / "mean.binaryproto"}" crop_size: 4', batch=1, phase=caffe.TEST)
    out = net.forward(blobs=["data"])["data"][0]
    np.testing.assert_allclose(out, pixels[0, :, 1:5, 2:6] - mean[:, 1:5, 2:6], rtol=1e-6)
    # TRAIN phase: a random crop inside the image; mirror flips left-right
    caffe.set_random_seed(0)
    net = data_net(source, "crop_size: 4 mirror: true", batch=5)
    out = net.forward(blobs=["data"])["data"]
    for item, image in zip(out, pixels):
        windows = [image[:, y:y + 4, x:x + 4] for y in range(3) for x in range(5)]
        assert any(np.array_equal(item, w) or np.array_equal(item, w[..., ::-1]) for w in windows)
    with pytest.raises(caffe.NetDefinitionError, match="mean_file or mean_value"):
        data_net(source, f'mean_file: "{tmp_path / "mean.binaryproto"}" mean_value: 1')


def test_data_layer_errors(tmp_path, images):
    with pytest.raises(caffe.CaffeFileError, match="does not exist.*convert-mnist"):
        data_net(str(tmp_path / "nope"))
    os.makedirs(tmp_path / "level")
    (tmp_path / "level" / "CURRENT").write_text("MANIFEST-000001\n")
    with pytest.raises(caffe.CaffeFileError, match="LevelDB"):
        data_net(str(tmp_path / "level"))
    with Writer(str(tmp_path / "wrong")) as db:
        db.put("00000000", b"\xff\xff\xff not a datum")
    with pytest.raises(caffe.CaffeFileError, match="record '00000000'.*not a Caffe Datum"):
        data_net(str(tmp_path / "wrong"))


def test_hdf5_data_and_output(tmp_path):
    import h5py
    rng = np.random.default_rng(2)
    files = []
    for k in range(2):
        path = tmp_path / f"part{k}.h5"
        with h5py.File(path, "w") as f:
            f["data"] = rng.standard_normal((3, 4)).astype(np.float64)  # any numeric type is read as float
            f["label"] = np.arange(3) + 10 * k
        files.append(str(path))
    (tmp_path / "list.txt").write_text("\n".join(files) + "\n")
    out_path = tmp_path / "out.h5"
    net = caffe.Net(f'layer {{ name: "d" type: "HDF5Data" top: "data" top: "label" hdf5_data_param {{ '
                    f'source: "{tmp_path / "list.txt"}" batch_size: 4 }} }} '
                    f'layer {{ name: "o" type: "HDF5Output" bottom: "data" bottom: "label" hdf5_output_param {{ '
                    f'file_name: "{out_path}" }} }}', caffe.TEST)
    assert net.blobs["data"].shape == (4, 4) and net.blobs["label"].shape == (4,)
    labels = []
    for _ in range(2):
        net.forward()
        labels.extend(net.blobs["label"].data.tolist())
    assert labels == [0, 1, 2, 10, 11, 12, 0, 1]  # across files, wrapping
    net.built.layers[-1].appender.close()
    with h5py.File(out_path) as f:
        assert f["data"].shape == (8, 4) and f["label"][:].tolist() == labels
    with pytest.raises(caffe.CaffeFileError, match="no dataset 'target'"):
        caffe.Net(f'layer {{ name: "d" type: "HDF5Data" top: "data" top: "target" hdf5_data_param {{ '
                  f'source: "{tmp_path / "list.txt"}" batch_size: 2 }} }}', caffe.TEST)


def test_image_data_and_memory_data(tmp_path):
    from PIL import Image
    rng = np.random.default_rng(3)
    arrays = [rng.integers(0, 256, (4, 6, 3), dtype=np.uint8) for _ in range(3)]
    for i, a in enumerate(arrays):
        Image.fromarray(a).save(tmp_path / f"{i}.png")
    (tmp_path / "list.txt").write_text("".join(f"{i}.png {i}\n" for i in range(3)))
    net = caffe.Net(f'layer {{ name: "d" type: "ImageData" top: "data" top: "label" image_data_param {{ '
                    f'source: "{tmp_path / "list.txt"}" root_folder: "{tmp_path}/" batch_size: 2 }} }}', caffe.TEST)
    out = net.forward(blobs=["data", "label"])
    np.testing.assert_array_equal(out["data"][1], arrays[1][:, :, ::-1].transpose(2, 0, 1))  # BGR planes
    assert out["label"].tolist() == [0, 1]
    assert net.forward(blobs=["label"])["label"].tolist() == [2, 0]
    memory = caffe.Net('layer { name: "m" type: "MemoryData" top: "data" top: "label" memory_data_param { '
                       'batch_size: 2 channels: 1 height: 2 width: 2 } }', caffe.TEST)
    data = np.arange(16, dtype=np.float32).reshape(4, 1, 2, 2)
    memory.set_input_arrays(data, np.array([5, 6, 7, 8], np.float32))
    assert memory.forward()["label"].tolist() == [5, 6]
    np.testing.assert_array_equal(memory.forward()["data"], data[2:])
    with pytest.raises(caffe.LayerShapeError, match="multiple of the batch size"):
        memory.set_input_arrays(data[:3], np.zeros(3))


PYTHON_LAYER = textwrap.dedent('''
    import numpy as np
    from unigrad import caffe

    class ScaleShift(caffe.Layer):
        """top = a * bottom + b, with a and b from param_str."""
        def setup(self, bottom, top):
            self.a, self.b = (float(v) for v in self.param_str.split())
            if len(bottom) != 1:
                raise Exception("one bottom")

        def reshape(self, bottom, top):
            top[0].reshape(*bottom[0].data.shape)

        def forward(self, bottom, top):
            top[0].data[...] = self.a * bottom[0].data + self.b

        def backward(self, top, propagate_down, bottom):
            if propagate_down[0]:
                bottom[0].diff[...] = self.a * top[0].diff
''')


def test_python_layer_between_compiled_layers(tmp_path, monkeypatch):
    (tmp_path / "my_layers.py").write_text(PYTHON_LAYER)
    monkeypatch.syspath_prepend(str(tmp_path))
    text = ('force_backward: true layer { name: "in" type: "Input" top: "x" input_param { shape { dim: 2 dim: 3 } } } '
            'layer { name: "ip" type: "InnerProduct" bottom: "x" top: "h" inner_product_param { num_output: 4 '
            'weight_filler { type: "gaussian" } } } '
            'layer { name: "py" type: "Python" bottom: "h" top: "p" python_param { module: "my_layers" '
            'layer: "ScaleShift" param_str: "3 1" } } '
            'layer { name: "sq" type: "Power" bottom: "p" top: "y" power_param { power: 2 } } '
            'layer { name: "loss" type: "Reduction" bottom: "y" top: "loss" loss_weight: 1 }')
    net = caffe.Net(text, caffe.TRAIN)
    x = np.random.default_rng(4).standard_normal((2, 3)).astype(np.float32)
    net.forward(x=x)
    w, b = net.params["ip"][0].data.astype(np.float64), net.params["ip"][1].data
    h = x @ w.T + b
    np.testing.assert_allclose(net.blobs["p"].data, 3 * h + 1, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(net.blobs["loss"].data, ((3 * h + 1) ** 2).sum(), rtol=1e-5)
    net.backward()
    dh = 2 * (3 * h + 1) * 3
    np.testing.assert_allclose(net.blobs["h"].diff, dh, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(net.params["ip"][0].diff, dh.T @ x, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(net.blobs["x"].diff, dh @ w, rtol=1e-4, atol=1e-5)
    sys.modules.pop("my_layers", None)


def test_python_layer_errors(tmp_path):
    with pytest.raises(caffe.NetDefinitionError, match="cannot import the Python layer's module 'nowhere_module'"):
        caffe.Net('layer { name: "in" type: "Input" top: "x" input_param { shape { dim: 1 } } } '
                  'layer { name: "py" type: "Python" bottom: "x" top: "y" python_param { module: "nowhere_module" '
                  'layer: "L" } }', caffe.TEST)


def test_lmdb_writer_leaves_nothing_half_written(tmp_path):
    from unigrad.caffe.data.lmdb_store import Reader, Writer
    target = tmp_path / "db"
    with pytest.raises(RuntimeError):
        with Writer(str(target)) as db:
            db.put("00000000", b"x")
            db.commit()
            raise RuntimeError("interrupted mid-conversion")
    assert not target.exists() and not list(tmp_path.iterdir())  # nor its temporary folder
    target.mkdir()  # an empty folder may be the destination
    with Writer(str(target)) as db:
        db.put("00000000", b"y")
    reader = Reader(str(target))
    assert reader.entries == 1 and reader.next() == (b"00000000", b"y")
    reader.close()
    with pytest.raises(caffe.CaffeFileError, match="already exists"):
        Writer(str(target))
