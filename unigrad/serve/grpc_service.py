"""KServe v2 over gRPC (`inference.GRPCInferenceService`), on grpc.aio in the server's event loop.

ServerLive, ServerReady, ModelReady, ServerMetadata, ModelMetadata and ModelInfer, with tensors
as `raw_input_contents` (answered as `raw_output_contents`, as Triton does) or as typed
`contents` (answered the same way). Errors are gRPC status codes with the server's messages.
"""
import asyncio

import grpc
import numpy as np

from .. import __version__
from .datatypes import numpy_dtype
from .errors import InvalidRequest, ServeError, as_serve_error
from .kserve_grpc import inference_pb2 as pb
from .kserve_grpc import inference_pb2_grpc as pb_grpc
from .raw_tensors import decode_raw, element_count, encode_raw
from .rest_kserve import EXTENSIONS

# datatype -> the InferTensorContents field that carries it
_CONTENTS = {"BOOL": "bool_contents", "INT8": "int_contents", "INT16": "int_contents", "INT32": "int_contents",
             "INT64": "int64_contents", "UINT8": "uint_contents", "UINT16": "uint_contents",
             "UINT32": "uint_contents", "UINT64": "uint64_contents", "FP32": "fp32_contents",
             "FP64": "fp64_contents", "BYTES": "bytes_contents"}


class InferenceServicer(pb_grpc.GRPCInferenceServiceServicer):
    """The six RPCs of the protocol over the shared version manager and inference service."""

    def __init__(self, manager, service):
        self.manager, self.service = manager, service

    async def ServerLive(self, request, context):
        return pb.ServerLiveResponse(live=True)

    async def ServerReady(self, request, context):
        return pb.ServerReadyResponse(ready=self.manager.ready())

    async def ModelReady(self, request, context):
        try:
            ready = self.manager.resolve(request.name, _version(request.version)).ready
        except ServeError:  # unknown, loading or failed: a probe just reads "not ready"
            ready = False
        return pb.ModelReadyResponse(ready=ready)

    async def ServerMetadata(self, request, context):
        return pb.ServerMetadataResponse(name="unigrad", version=__version__, extensions=EXTENSIONS)

    async def ModelMetadata(self, request, context):
        try:
            served = self.manager.resolve(request.name, _version(request.version)).served
            model = self.manager.model(request.name)
        except ServeError as exc:
            await _abort(context, exc)

        def tensors(specs):
            return [pb.ModelMetadataResponse.TensorMetadata(name=s.name, datatype=s.datatype, shape=list(s.shape))
                    for s in specs]
        return pb.ModelMetadataResponse(name=served.name, versions=[str(v) for v in sorted(model.available())],
                                        platform=served.platform, inputs=tensors(served.inputs),
                                        outputs=tensors(served.outputs))

    async def ModelInfer(self, request, context):
        try:
            inputs = decode_inputs(request)
            wanted = [o.name for o in request.outputs]

            def decode(served):
                for name in wanted:
                    if name not in served.output_index:
                        raise InvalidRequest(f"model '{served.name}' has no output '{name}'; its outputs are "
                                             f"{[s.name for s in served.outputs]}")
                return inputs
            target, outputs = await self.service.infer(request.model_name, _version(request.model_version), None,
                                                       decode)
            return encode_response(target.served, request, outputs, wanted, raw=bool(request.raw_input_contents))
        except asyncio.CancelledError:
            raise  # the client went away; grpc.aio cancelled this handler
        except ServeError as exc:
            await _abort(context, exc)
        except Exception as exc:  # a bug still answers with a status, not a dropped stream
            await _abort(context, as_serve_error(exc))


def _version(text):
    if not text:
        return None
    if not text.isdigit():
        raise InvalidRequest(f"model version must be a number, got '{text}'")
    return int(text)


async def _abort(context, exc):
    code = getattr(grpc.StatusCode, getattr(exc, "code", "INTERNAL"), grpc.StatusCode.INTERNAL)
    await context.abort(code, str(exc))


def decode_inputs(request):
    """name -> array from raw_input_contents (one blob per input, in order) or typed contents."""
    if not request.inputs:
        raise InvalidRequest("the inference request has no inputs")
    raw = request.raw_input_contents
    if raw and len(raw) != len(request.inputs):
        raise InvalidRequest(f"raw_input_contents holds {len(raw)} tensors for {len(request.inputs)} inputs; send one "
                             "per input, in order")
    named = {}
    for i, inp in enumerate(request.inputs):
        where = f"input '{inp.name}'"
        if inp.name in named:
            raise InvalidRequest(f"{where} is given twice")
        shape = list(inp.shape)
        if raw:
            if inp.HasField("contents"):
                raise InvalidRequest(f"{where}: contents and raw_input_contents are both set; send one of them")
            named[inp.name] = decode_raw(raw[i], inp.datatype, shape, where)
            continue
        dtype = numpy_dtype(inp.datatype, where)
        field = _CONTENTS.get(inp.datatype)
        if field is None:
            raise InvalidRequest(f"{where}: {inp.datatype} has no typed contents field; send it in raw_input_contents")
        values = getattr(inp.contents, field)
        count = element_count(shape, where)
        if len(values) != count:
            raise InvalidRequest(f"{where}: shape {shape} holds {count} elements, contents.{field} has {len(values)}")
        array = np.array(values, dtype=object) if dtype == object else np.asarray(values, dtype=dtype)
        named[inp.name] = array.reshape(shape)
    return named


def encode_response(served, request, outputs, wanted, raw):
    response = pb.ModelInferResponse(model_name=served.name, model_version=str(served.version), id=request.id)
    names = wanted or [s.name for s in served.outputs]
    for name in names:
        spec = served.outputs[served.output_index[name]]
        array = outputs[served.output_index[name]]
        tensor = response.outputs.add(name=name, datatype=spec.datatype, shape=list(array.shape))
        if raw or spec.datatype == "FP16":
            response.raw_output_contents.append(encode_raw(array))
        else:
            getattr(tensor.contents, _CONTENTS[spec.datatype]).extend(array.reshape(-1).tolist())
    return response


async def start_grpc(manager, service, host, port, max_message):
    """A started grpc.aio server on host:port (0: a free port) and the port it bound."""
    server = grpc.aio.server(options=[("grpc.max_receive_message_length", max_message),
                                      ("grpc.max_send_message_length", max_message),
                                      ("grpc.so_reuseport", 0)])
    pb_grpc.add_GRPCInferenceServiceServicer_to_server(InferenceServicer(manager, service), server)
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    bound = server.add_insecure_port(address)
    if bound == 0:
        raise OSError(f"gRPC cannot listen on {address}")
    await server.start()
    return server, bound

