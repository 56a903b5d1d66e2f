"""ug.utils.tensorboard.SummaryWriter writes event files that TensorBoard's own reader reads back."""
import numpy as np
import pytest

import unigrad as ug

pytest.importorskip("tensorboardX")
event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
from unigrad.utils.tensorboard import SummaryWriter  # noqa: E402


def _read(folder):
    acc = event_accumulator.EventAccumulator(str(folder), size_guidance={"images": 0, "histograms": 0, "scalars": 0})
    acc.Reload()
    return acc


def test_scalars_histograms_and_images_read_back(tmp_path):
    values = ug.randn(2000)
    image = ug.rand(3, 8, 10)
    with SummaryWriter(str(tmp_path)) as writer:
        for step in range(5):
            writer.add_scalar("train/loss", ug.tensor(1.0 / (step + 1)), step)
        writer.add_scalars("acc", {"train": 0.9, "test": ug.tensor(0.8)}, 4)
        writer.add_histogram("weights", values, 3)
        writer.add_image("sample", image, 1)
        writer.add_images("batch", ug.rand(4, 1, 6, 6), 2)
        writer.add_text("note", "hello", 0)
    acc = _read(tmp_path)
    assert [(e.step, round(e.value, 6)) for e in acc.Scalars("train/loss")] == [
        (0, 1.0), (1, 0.5), (2, 0.333333), (3, 0.25), (4, 0.2)]
    hist = acc.Histograms("weights")[0]
    data = values.numpy().astype(np.float64)
    assert hist.step == 3 and hist.histogram_value.num == 2000
    assert hist.histogram_value.min == pytest.approx(data.min()) and hist.histogram_value.max == pytest.approx(data.max())
    assert hist.histogram_value.sum == pytest.approx(data.sum(), rel=1e-6)
    assert sum(hist.histogram_value.bucket) == 2000
    img = acc.Images("sample")[0]
    assert (img.width, img.height, img.step) == (10, 8, 1)
    from PIL import Image
    import io
    pixels = np.asarray(Image.open(io.BytesIO(img.encoded_image_string)))
    np.testing.assert_allclose(pixels, (image.numpy().transpose(1, 2, 0) * 255), atol=1.0)
    assert acc.Images("batch")[0].step == 2
    scalars_dirs = sorted(p.name for p in tmp_path.iterdir() if p.is_dir())
    assert scalars_dirs == ["acc_test", "acc_train"]  # add_scalars: one run per curve, as PyTorch's
    assert _read(tmp_path / "acc_test").Scalars("acc")[0].value == pytest.approx(0.8)


def test_add_graph_traces_the_model(tmp_path):
    model = ug.nn.Sequential(ug.nn.Linear(4, 3), ug.nn.ReLU(), ug.nn.Linear(3, 2))
    with SummaryWriter(str(tmp_path)) as writer:
        writer.add_graph(model, ug.randn(5, 4))
    graph = _read(tmp_path).Graph()
    nodes = {n.name: (n.op, list(n.input)) for n in graph.node}
    assert nodes["parameters/0.weight"][0] == "VariableV2" and nodes["input/in0"][0] == "Placeholder"
    assert nodes["linear"] == ("linear", ["input/in0", "parameters/0.weight", "parameters/0.bias"])
    assert nodes["relu"] == ("relu", ["linear"])
    assert nodes["linear_1"] == ("linear", ["relu", "parameters/2.weight", "parameters/2.bias"])
    shape = next(n for n in graph.node if n.name == "linear_1").attr["_output_shapes"].list.shape[0]
    assert [d.size for d in shape.dim] == [5, 2]
    with pytest.raises(ug.InvalidArgumentError, match="input_to_model"):
        SummaryWriter(str(tmp_path)).add_graph(model)


def test_add_hparams_writes_the_hparams_plugin_run(tmp_path):
    with SummaryWriter(str(tmp_path)) as writer:
        writer.add_hparams({"lr": 0.1, "batch": 32, "opt": "sgd"}, {"hparam/accuracy": 0.93}, run_name="trial")
    acc = _read(tmp_path / "trial")
    assert acc.Scalars("hparam/accuracy")[0].value == pytest.approx(0.93)
    content = acc.PluginTagToContent("hparams")
    from tensorboard.plugins.hparams import plugin_data_pb2
    session = plugin_data_pb2.HParamsPluginData.FromString(content["_hparams_/session_start_info"])
    hparams = session.session_start_info.hparams
    assert hparams["lr"].number_value == pytest.approx(0.1) and hparams["opt"].string_value == "sgd"
    with pytest.raises(ug.InvalidArgumentError, match="bool, int, float or str"):
        writer.add_hparams({"layers": [1, 2]}, {"m": 1.0})
