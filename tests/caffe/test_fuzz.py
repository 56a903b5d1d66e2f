"""Part 9: bounded fuzzing of the prototxt and .caffemodel readers: whatever the bytes, the only
exceptions are unigrad's error family (no bare traceback from protobuf, NumPy or a layer)."""
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from unigrad import caffe  # noqa: E402
from unigrad.caffe.parse import parse_text, read_net  # noqa: E402
from unigrad.caffe.proto import caffe_pb2 as pb  # noqa: E402
from unigrad.caffe.weights import copy_from_param, read_caffemodel  # noqa: E402
from unigrad.errors import UnigradError  # noqa: E402

from .conftest import fixture  # noqa: E402

PROTOTXT = open(fixture("lenet_train_test.prototxt")).read()
V1 = open(fixture("lenet_v1.prototxt")).read()
SNAPSHOT = open(fixture("lenet_iter_5000.caffemodel"), "rb").read()
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)

TOKENS = ["{", "}", ":", '"', "'", "layer", "layers", "name", "top", "bottom", "type", "param", "lr_mult", "-1",
          "999999999999", "1e40", "nan", "TRAIN", "CONVOLUTION", "\n", "#", "[", "]", ",", "input_dim", "phase"]


@st.composite
def mutated_text(draw):
    text = draw(st.sampled_from([PROTOTXT, V1]))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["cut", "insert", "token"]))
        if kind == "cut":
            text = text[:at] + text[at + draw(st.integers(1, 40)):]
        elif kind == "insert":
            text = text[:at] + draw(st.text(max_size=8)) + text[at:]
        else:
            text = text[:at] + " " + draw(st.sampled_from(TOKENS)) + " " + text[at:]
    return text


@SETTINGS
@given(mutated_text())
def test_prototxt_reader_raises_only_unigrad_errors(text):
    try:
        net = read_net(parse_text(text, pb.NetParameter, "fuzz.prototxt"))
    except UnigradError:
        return
    assert isinstance(net, pb.NetParameter)


@st.composite
def mutated_bytes(draw):
    data = bytearray(SNAPSHOT[:draw(st.integers(0, len(SNAPSHOT)))] if draw(st.booleans()) else SNAPSHOT)
    for _ in range(draw(st.integers(0, 8))):
        if data:
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data)


@pytest.fixture(scope="module")
def lenet(lenet_prototxt):
    return caffe.Net(lenet_prototxt, caffe.TEST)


@SETTINGS
@given(data=mutated_bytes())
def test_caffemodel_reader_raises_only_unigrad_errors(tmp_path_factory, lenet, data):
    path = tmp_path_factory.mktemp("fuzz") / "w.caffemodel"
    path.write_bytes(data)
    try:
        copy_from_param(lenet, read_caffemodel(str(path)), str(path))
    except UnigradError:
        return
    assert lenet.params["ip1"][0].data.shape == (500, 800)  # a file that loads leaves the net's shapes intact
