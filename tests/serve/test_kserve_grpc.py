"""KServe v2 over gRPC, driven with the real `tritonclient.grpc` against a `unigrad serve` process,
and the committed generated modules checked against the project's .proto (field numbers)."""
import os

import numpy as np
import pytest

from .conftest import make_repo, reference

grpcclient = pytest.importorskip("tritonclient.grpc")
from tritonclient.utils import InferenceServerException  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory, graphs, spawn):
    repo = make_repo(tmp_path_factory.mktemp("repo"), {
        "lenet": ({1: graphs["lenet"], 2: graphs["lenet"]}, {"version_policy": {"all": True}, "max_batch_size": 8}),
        "two": (graphs["two"], None),
    })
    return spawn(repo)


@pytest.fixture
def client(server):
    c = grpcclient.InferenceServerClient(server.grpc_target)
    yield c
    c.close()


def test_health_and_metadata(client):
    assert client.is_server_live() and client.is_server_ready()
    assert client.is_model_ready("lenet") and client.is_model_ready("lenet", "2")
    assert not client.is_model_ready("lenet", "5") and not client.is_model_ready("nope")
    meta = client.get_server_metadata()
    assert meta.name == "unigrad" and "binary_tensor_data" in meta.extensions
    m = client.get_model_metadata("lenet", as_json=True)
    assert m["versions"] == ["1", "2"] and m["platform"] == "unigrad_graph"
    assert m["inputs"] == [{"name": "input.0", "datatype": "FP32", "shape": ["-1", "1", "28", "28"]}]
    assert m["outputs"] == [{"name": "output.0", "datatype": "FP32", "shape": ["-1", "10"]}]


def test_infer_raw_contents_matches_the_graph(client, graphs):
    x = np.random.default_rng(0).standard_normal((5, 1, 28, 28)).astype(np.float32)
    inp = grpcclient.InferInput("input.0", list(x.shape), "FP32")
    inp.set_data_from_numpy(x)
    result = client.infer("lenet", [inp], model_version="1", request_id="abc")
    np.testing.assert_allclose(result.as_numpy("output.0"), reference(graphs["lenet"], x), rtol=1e-5, atol=1e-5)
    response = result.get_response()
    assert response.id == "abc" and response.model_version == "1" and len(response.raw_output_contents) == 1


def test_infer_named_outputs(client, graphs):
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    b = np.ones((2, 3), np.float32)
    inputs = [grpcclient.InferInput("input.0", [2, 3], "FP32"), grpcclient.InferInput("input.1", [2, 3], "FP32")]
    inputs[0].set_data_from_numpy(a)
    inputs[1].set_data_from_numpy(b)
    want = reference(graphs["two"], a, b)
    result = client.infer("two", inputs, outputs=[grpcclient.InferRequestedOutput("scaled")])
    assert [o.name for o in result.get_response().outputs] == ["scaled"]
    np.testing.assert_allclose(result.as_numpy("scaled"), want["scaled"])


def test_typed_contents_in_and_out(server, graphs):
    """A client that sends InferTensorContents (no raw bytes) gets typed contents back."""
    import grpc
    from tritonclient.grpc import service_pb2, service_pb2_grpc
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    request = service_pb2.ModelInferRequest(model_name="two")
    for name in ("input.0", "input.1"):
        t = request.inputs.add(name=name, datatype="FP32", shape=[2, 3])
        t.contents.fp32_contents.extend(a.reshape(-1).tolist())
    with grpc.insecure_channel(server.grpc_target) as channel:
        response = service_pb2_grpc.GRPCInferenceServiceStub(channel).ModelInfer(request)
    by_name = {o.name: o for o in response.outputs}
    assert list(by_name["sum"].shape) == [2, 3] and not response.raw_output_contents
    np.testing.assert_allclose(by_name["sum"].contents.fp32_contents, (2 * a).reshape(-1))


@pytest.mark.parametrize("datatype,shape,words,code", [
    ("FP64", [1, 1, 28, 28], "datatype FP64 given, model 'lenet' takes FP32", "INVALID_ARGUMENT"),
    ("FP32", [1, 28, 28], "shape [1, 28, 28] given", "INVALID_ARGUMENT"),
    ("FP32", [9, 1, 28, 28], "max_batch_size of 8", "INVALID_ARGUMENT"),
])
def test_bad_requests_are_status_codes(client, datatype, shape, words, code):
    x = np.zeros(shape, np.float64 if datatype == "FP64" else np.float32)
    inp = grpcclient.InferInput("input.0", shape, datatype)
    inp.set_data_from_numpy(x)
    with pytest.raises(InferenceServerException) as info:
        client.infer("lenet", [inp])
    assert words in info.value.message() and info.value.status() == f"StatusCode.{code}"


def test_unknown_model_and_short_raw_data(client):
    inp = grpcclient.InferInput("input.0", [1, 1, 28, 28], "FP32")
    inp.set_data_from_numpy(np.zeros((1, 1, 28, 28), np.float32))
    with pytest.raises(InferenceServerException) as info:
        client.infer("nope", [inp])
    assert info.value.status() == "StatusCode.NOT_FOUND" and "unknown model 'nope'" in info.value.message()
    inp._raw_content = b"\0" * 12  # a client that sends fewer bytes than its shape says
    with pytest.raises(InferenceServerException, match="takes 3136 bytes of raw data, got 12"):
        client.infer("lenet", [inp])


def test_generated_modules_follow_the_proto():
    """The committed modules are protoc's output for inference.proto, with the protocol's field numbers."""
    from unigrad.serve.kserve_grpc import inference_pb2 as pb
    request = pb.ModelInferRequest.DESCRIPTOR.fields_by_name
    assert {n: f.number for n, f in request.items()} == {
        "model_name": 1, "model_version": 2, "id": 3, "parameters": 4, "inputs": 5, "outputs": 6,
        "raw_input_contents": 7}
    response = pb.ModelInferResponse.DESCRIPTOR.fields_by_name
    assert response["outputs"].number == 5 and response["raw_output_contents"].number == 6
    contents = pb.InferTensorContents.DESCRIPTOR.fields_by_name
    assert [contents[n].number for n in ("bool_contents", "int_contents", "int64_contents", "uint_contents",
                                         "uint64_contents", "fp32_contents", "fp64_contents", "bytes_contents")] \
        == list(range(1, 9))
    service = pb.DESCRIPTOR.services_by_name["GRPCInferenceService"]
    assert service.full_name == "inference.GRPCInferenceService"
    assert [m.name for m in service.methods] == ["ServerLive", "ServerReady", "ModelReady", "ServerMetadata",
                                                 "ModelMetadata", "ModelInfer"]
    protoc = pytest.importorskip("grpc_tools.protoc")  # the .proto itself parses to the same schema
    from google.protobuf import descriptor_pb2
    import tempfile
    here = os.path.dirname(pb.__file__)
    root = os.path.dirname(os.path.dirname(os.path.dirname(here)))
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "set.pb")
        assert protoc.main(["protoc", f"-I{root}", f"--descriptor_set_out={out}",
                            os.path.join(root, "unigrad", "serve", "kserve_grpc", "inference.proto")]) == 0
        parsed = descriptor_pb2.FileDescriptorSet.FromString(open(out, "rb").read()).file[0]
    committed = descriptor_pb2.FileDescriptorProto()
    pb.DESCRIPTOR.CopyToProto(committed)
    _drop_json_names(parsed.message_type)  # protoc fills them in; a module's descriptor leaves them out
    assert parsed.message_type == committed.message_type and parsed.service == committed.service


def _drop_json_names(messages):
    for m in messages:
        for f in m.field:
            f.ClearField("json_name")
        _drop_json_names(m.nested_type)
