"""KServe v2 / Open Inference Protocol over REST, with Triton's binary tensor data extension, so
`tritonclient.http` and other v2 clients work unchanged.

    GET  /v2                                            server metadata
    GET  /v2/health/live, /v2/health/ready               200 true, 400 false (as Triton answers)
    GET  /v2/models/{m}[/versions/{v}]                   model metadata
    GET  /v2/models/{m}[/versions/{v}]/ready             model readiness
    GET  /v2/models/{m}[/versions/{v}]/config            the serving config (Triton's model_configuration)
    POST /v2/models/{m}[/versions/{v}]/infer             typed tensors, JSON or binary
    POST /v2/repository/index                            the models and versions, with their states
"""
import json

import numpy as np
from starlette.responses import Response

from .. import __version__
from .datatypes import numpy_dtype
from .errors import InvalidRequest, ModelNotFound, ServeError, as_serve_error, kserve_http_status
from .http_io import client_gone, json_bytes, json_response, parse_json, read_body
from .json_tensors import cast
from .model import TensorSpec
from .raw_tensors import decode_raw, element_count, encode_raw

EXTENSIONS = ["binary_tensor_data", "model_configuration"]
HEADER_LENGTH = "inference-header-content-length"


class KServeAPI:
    """The `/v2` routes over the shared inference service."""

    def __init__(self, service, manager, max_body):
        self.service, self.manager, self.max_body = service, manager, max_body

    def routes(self):
        from starlette.routing import Route
        h = self._guard
        return [
            Route("/v2", h(self.server_metadata), methods=["GET"]),
            Route("/v2/health/live", h(self.live), methods=["GET"]),
            Route("/v2/health/ready", h(self.ready), methods=["GET"]),
            Route("/v2/repository/index", h(self.index), methods=["POST", "GET"]),
            Route("/v2/models/{model}", h(self.model_metadata), methods=["GET"]),
            Route("/v2/models/{model}/versions/{version}", h(self.model_metadata), methods=["GET"]),
            Route("/v2/models/{model}/ready", h(self.model_ready), methods=["GET"]),
            Route("/v2/models/{model}/versions/{version}/ready", h(self.model_ready), methods=["GET"]),
            Route("/v2/models/{model}/config", h(self.model_config), methods=["GET"]),
            Route("/v2/models/{model}/versions/{version}/config", h(self.model_config), methods=["GET"]),
            Route("/v2/models/{model}/infer", h(self.infer), methods=["POST"]),
            Route("/v2/models/{model}/versions/{version}/infer", h(self.infer), methods=["POST"]),
        ]

    @staticmethod
    def _guard(handler):
        async def guarded(request):
            try:
                return await handler(request)
            except ServeError as exc:
                return json_response({"error": str(exc)}, kserve_http_status(exc))
            except Exception as exc:  # a bug still answers in the protocol's error form
                return json_response({"error": str(as_serve_error(exc))}, 500)
        return guarded

    # ---- health and metadata ---------------------------------------------------------------
    async def server_metadata(self, request):
        return json_response({"name": "unigrad", "version": __version__, "extensions": EXTENSIONS})

    async def live(self, request):
        return json_response({"live": True})

    async def ready(self, request):
        ready = self.manager.ready()
        return json_response({"ready": ready}, 200 if ready else 400)

    async def index(self, request):
        rows = []
        for name, model in sorted(self.manager.models.items()):
            records = {**model.versions, **model.loading}
            if not records:
                rows.append({"name": name, "state": "UNAVAILABLE", "reason": self.manager._why_not_ready(model)})
            for number, v in sorted(records.items()):
                rows.append({"name": name, "version": str(number), "state": "READY" if v.ready else
                             ("UNAVAILABLE" if v.error else v.state), "reason": v.error or ""})
        return json_response(rows)

    async def model_metadata(self, request):
        name, version = _selector(request)
        target = self.manager.resolve(name, version)
        return json_response(metadata(target.served, self.manager.model(name)))

    async def model_ready(self, request):
        name, version = _selector(request)
        try:
            ready = self.manager.resolve(name, version).ready
        except ModelNotFound:
            raise
        except ServeError:
            ready = False
        return json_response({"name": name, "ready": ready}, 200 if ready else 400)

    async def model_config(self, request):
        name, version = _selector(request)
        return json_response(model_config(self.manager.resolve(name, version).served))

    # ---- inference -------------------------------------------------------------------------
    async def infer(self, request):
        name, version = _selector(request)
        self.manager.resolve(name, version)  # an unknown or unready model answers before the body is read
        body = await read_body(request, self.max_body)
        header, blobs = split_body(body, request.headers.get(HEADER_LENGTH))
        inputs = decode_inputs(header, blobs)
        wanted, binary_all = requested_outputs(header)

        def decode(served):
            for out in wanted:
                if out not in served.output_index:
                    raise InvalidRequest(f"model '{served.name}' has no output '{out}'; its outputs are "
                                         f"{[s.name for s in served.outputs]}")
            return inputs
        target, outputs = await self.service.infer(name, version, None, decode, client_gone(request))
        return encode_response(target.served, header.get("id"), outputs, wanted, binary_all)


def _selector(request):
    p = request.path_params
    version = p.get("version")
    if version is not None and not version.isdigit():
        raise InvalidRequest(f"model version must be a number, got '{version}'")
    return p["model"], (int(version) if version is not None else None)


def metadata(served, model):
    return {"name": served.name, "versions": [str(v) for v in sorted(model.available())], "platform": served.platform,
            "inputs": [_tensor_meta(s) for s in served.inputs], "outputs": [_tensor_meta(s) for s in served.outputs]}


def _tensor_meta(spec):
    return {"name": spec.name, "datatype": spec.datatype, "shape": list(spec.shape)}


def model_config(served):
    """The serving config in the shape of Triton's model configuration (JSON)."""
    cfg = served.config

    def dims(spec):
        return list(spec.shape[1:] if served.max_batch_size else spec.shape)
    out = {"name": served.name, "platform": served.platform, "max_batch_size": served.max_batch_size,
           "input": [{"name": s.name, "data_type": _triton_type(s), "dims": dims(s)} for s in served.inputs],
           "output": [{"name": s.name, "data_type": _triton_type(s), "dims": dims(s)} for s in served.outputs],
           "version_policy": _policy(cfg.version_policy), "parameters": {}}
    if served.max_batch_size and cfg.dynamic_batching:
        out["dynamic_batching"] = {"preferred_batch_size": list(cfg.preferred_batch_sizes),
                                   "max_queue_delay_microseconds": cfg.max_queue_delay_us,
                                   "default_queue_policy": {"max_queue_size": cfg.max_queue_size}}
    if served.max_batch_size:
        out["parameters"]["allowed_batch_sizes"] = {"string_value": json.dumps(served.batch_sizes)}
    for spec in served.inputs:  # the web page reads how to turn a picture into this input
        image = served.image.get(spec.name)
        if image is not None:
            out["parameters"][f"image:{spec.name}"] = {"string_value": json.dumps(image.__dict__)}
    for name, labels in served.labels.items():
        out["parameters"][f"labels:{name}"] = {"string_value": json.dumps(labels)}
    return out


def _triton_type(spec):
    return "TYPE_STRING" if spec.datatype == "BYTES" else "TYPE_" + spec.datatype


def _policy(policy):
    if policy[0] == "latest":
        return {"latest": {"num_versions": policy[1]}}
    if policy[0] == "all":
        return {"all": {}}
    return {"specific": {"versions": list(policy[1])}}


def split_body(body, header_length):
    """(JSON header, binary part) of an infer request."""
    if header_length is None:
        return _object(parse_json(body)), b""
    try:
        n = int(header_length)
    except ValueError:
        raise InvalidRequest(f"Inference-Header-Content-Length {header_length!r} is not a number") from None
    if not 0 <= n <= len(body):
        raise InvalidRequest(f"Inference-Header-Content-Length is {n}, the body has {len(body)} bytes")
    return _object(parse_json(body[:n], "JSON header of the request")), memoryview(body)[n:]


def _object(doc):
    if not isinstance(doc, dict):
        raise InvalidRequest("the inference request must be a JSON object with \"inputs\"")
    return doc


def decode_inputs(header, blobs):
    """name -> array for the request's inputs, from JSON "data" or the binary part, in order."""
    entries = header.get("inputs")
    if not isinstance(entries, list) or not entries:
        raise InvalidRequest("the inference request needs \"inputs\": a non-empty list of tensors")
    named, offset = {}, 0
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise InvalidRequest(f"inputs[{i}] must be an object with a \"name\"")
        name = entry["name"]
        where = f"input '{name}'"
        if name in named:
            raise InvalidRequest(f"{where} is given twice")
        datatype, shape = entry.get("datatype"), entry.get("shape")
        dtype = numpy_dtype(datatype, where)
        count = element_count(shape, where)
        size = (entry.get("parameters") or {}).get("binary_data_size")
        if size is not None:
            if isinstance(size, bool) or not isinstance(size, int) or size < 0 or offset + size > len(blobs):
                raise InvalidRequest(f"{where}: binary_data_size {size!r} runs past the binary part of the body "
                                     f"({len(blobs) - offset} bytes left)")
            named[name] = decode_raw(bytes(blobs[offset:offset + size]), datatype, shape, where)
            offset += size
            continue
        if "data" not in entry:
            raise InvalidRequest(f"{where} has neither \"data\" nor a binary_data_size parameter")
        named[name] = _from_json(entry["data"], datatype, dtype, shape, count, where)
    if offset != len(blobs):
        raise InvalidRequest(f"{len(blobs) - offset} bytes of binary data are not claimed by any input's "
                             "binary_data_size")
    return named


def _from_json(data, datatype, dtype, shape, count, where):
    if datatype == "BYTES":
        flat = np.array(data, dtype=object).reshape(-1)
        flat = np.array([v.encode() if isinstance(v, str) else v for v in flat], dtype=object)
    else:
        try:
            raw = np.asarray(data)
        except ValueError:
            raise InvalidRequest(f"{where}: \"data\" holds ragged lists") from None
        flat = cast(raw, TensorSpec(where, dtype, tuple(shape)), where).reshape(-1)
    if flat.size != count:
        raise InvalidRequest(f"{where}: shape {list(shape)} holds {count} elements, \"data\" has {flat.size}")
    return flat.reshape(shape)


def requested_outputs(header):
    """({output name: binary?}, binary_data_output) of the request (empty dict: all outputs)."""
    params = header.get("parameters") or {}
    binary_all = bool(params.get("binary_data_output", False))
    wanted = {}
    for i, entry in enumerate(header.get("outputs") or []):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise InvalidRequest(f"outputs[{i}] must be an object with a \"name\"")
        wanted[entry["name"]] = bool((entry.get("parameters") or {}).get("binary_data", binary_all))
    return wanted, binary_all


def encode_response(served, request_id, outputs, wanted, binary_all):
    names = list(wanted) if wanted else [s.name for s in served.outputs]
    doc = {"model_name": served.name, "model_version": str(served.version)}
    if request_id is not None:
        doc["id"] = request_id
    tensors, blobs = [], []
    for name in names:
        spec = served.outputs[served.output_index[name]]
        array = outputs[served.output_index[name]]
        entry = {"name": name, "datatype": spec.datatype, "shape": list(array.shape)}
        if wanted.get(name, binary_all):
            blob = encode_raw(array)
            entry["parameters"] = {"binary_data_size": len(blob)}
            blobs.append(blob)
        elif array.dtype == object:
            entry["data"] = [v.decode(errors="replace") if isinstance(v, bytes) else str(v) for v in array.reshape(-1)]
        else:
            entry["data"] = array.reshape(-1).tolist()
        tensors.append(entry)
    doc["outputs"] = tensors
    head = json_bytes(doc)
    if not blobs:
        return Response(head, media_type="application/json")
    return Response(b"".join([head] + blobs), media_type="application/octet-stream",
                    headers={"Inference-Header-Content-Length": str(len(head))})
