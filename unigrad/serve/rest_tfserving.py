"""TensorFlow Serving's REST API (`/v1/models/...`), so TF Serving clients work unchanged.

    GET  /v1/models/{name}[/versions/{v}|/labels/{l}]             model status
    GET  /v1/models/{name}[/versions/{v}|/labels/{l}]/metadata    signature of the model
    POST /v1/models/{name}[/versions/{v}|/labels/{l}]:predict     row ("instances") or columnar ("inputs")
    POST ...:classify, ...:regress                                 "examples" (+ "context")
    GET  /v1/models                                                KServe V1's list of models

Errors are {"error": "..."} with TF Serving's HTTP codes (ToHTTPStatusCode).
"""
import re

from .errors import InvalidRequest, ModelNotFound, ServeError, as_serve_error, tf_http_status
from .datatypes import tf_datatype
from .http_io import client_gone, json_response, parse_json, read_body
from .json_tensors import to_array

_PATH = re.compile(r"^/v1/models/(?P<name>[^/:]+)(?:/versions/(?P<version>[^/:]+)|/labels/(?P<label>[^/:]+))?"
                   r"(?P<tail>/metadata|:predict|:classify|:regress)?/?$")


class TFServingAPI:
    """The `/v1` routes over the shared inference service."""

    def __init__(self, service, manager, max_body):
        self.service, self.manager, self.max_body = service, manager, max_body

    async def handle(self, request):
        try:
            return await self._dispatch(request)
        except ServeError as exc:
            return json_response({"error": str(exc)}, tf_http_status(exc))
        except Exception as exc:  # a bug must still answer in TF Serving's error form
            exc = as_serve_error(exc)
            return json_response({"error": str(exc)}, 500)

    async def list_models(self, request):
        models = sorted(n for n, m in self.manager.models.items() if m.latest() is not None)
        return json_response({"models": models})

    async def _dispatch(self, request):
        match = _PATH.match(request.url.path)
        if match is None:
            raise ModelNotFound(f"no such endpoint: {request.method} {request.url.path} (TF Serving's API is "
                                "/v1/models/<name>[/versions/<v>|/labels/<l>][/metadata|:predict|:classify|:regress])")
        name, label, tail = match["name"], match["label"], match["tail"]
        version = _version_number(match["version"])
        want = "GET" if tail in (None, "/metadata") else "POST"
        if request.method != want:
            return json_response({"error": f"{request.method} is not allowed here; use {want}"}, 405,
                                 headers={"Allow": want})
        if tail is None:
            return json_response(self._status(name, version, label))
        if tail == "/metadata":
            target = self.manager.resolve(name, version, label)
            return json_response(metadata(target.served))
        self.manager.resolve(name, version, label)  # an unknown or unready model answers before the body is read
        body = parse_json(await read_body(request, self.max_body))
        if not isinstance(body, dict):
            raise InvalidRequest("the request body must be a JSON object")
        _check_signature(body)
        verb = tail[1:]
        if verb == "predict":
            return json_response(await self._predict(request, name, version, label, body))
        return json_response(await self._classify_or_regress(request, verb, name, version, label, body))

    # ---- status and metadata ---------------------------------------------------------------
    def _status(self, name, version, label):
        model = self.manager.model(name)
        if label is not None or version is not None:
            records = [self.manager.resolve(name, version, label)]
        else:
            records = sorted({**model.versions, **model.loading}.values(), key=lambda v: v.number)
            if not records:
                raise ModelNotFound(f"Servable not found for request: model '{name}' has no versions loaded "
                                    f"({self.manager._why_not_ready(model)})")
        return {"model_version_status": [_version_status(v) for v in records]}

    # ---- predict -----------------------------------------------------------------------
    async def _predict(self, request, name, version, label, body):
        rows = "instances" in body
        if rows == ("inputs" in body):
            raise InvalidRequest("a predict request holds exactly one of \"instances\" (row format) and \"inputs\" "
                                 "(columnar format)" + (", not both" if rows else ""))
        decode = (lambda served: _from_instances(served, body["instances"])) if rows else \
            (lambda served: _from_columns(served, body["inputs"]))
        target, outputs = await self.service.infer(name, version, label, decode, client_gone(request))
        names = [s.name for s in target.served.outputs]
        if rows:
            if len(outputs) == 1:
                return {"predictions": outputs[0].tolist()}
            lists = [o.tolist() for o in outputs]
            return {"predictions": [dict(zip(names, row)) for row in zip(*lists)]}
        if len(outputs) == 1:
            return {"outputs": outputs[0].tolist()}
        return {"outputs": {n: o.tolist() for n, o in zip(names, outputs)}}

    async def _classify_or_regress(self, request, verb, name, version, label, body):
        examples, context = body.get("examples"), body.get("context", {})
        if not isinstance(examples, list) or not examples:
            raise InvalidRequest(f"a {verb} request needs \"examples\": a non-empty list of objects (feature -> value)")
        if not isinstance(context, dict):
            raise InvalidRequest("\"context\" must be an object (feature -> value shared by every example)")
        instances = []
        for i, ex in enumerate(examples):
            if not isinstance(ex, dict):
                raise InvalidRequest(f"examples[{i}] must be an object (feature -> value)")
            repeated = sorted(set(ex) & set(context))
            if repeated:
                raise InvalidRequest(f"examples[{i}] repeats the context's features {repeated}")
            instances.append({**context, **ex})
        target, outputs = await self.service.infer(name, version, label,
                                                   lambda served: _from_instances(served, instances, keyed=True),
                                                   client_gone(request))
        served = target.served
        if len(outputs) != 1:
            raise InvalidRequest(f"{verb} needs a model with one output; '{served.name}' has "
                                 f"{[s.name for s in served.outputs]} (use :predict)")
        out = outputs[0].reshape(outputs[0].shape[0], -1)
        if verb == "regress":
            if out.shape[1] != 1:
                raise InvalidRequest(f"regress needs one value per example; output '{served.outputs[0].name}' has "
                                     f"{out.shape[1]} (use :classify or :predict)")
            return {"result": out[:, 0].tolist()}
        labels = served.labels.get(served.outputs[0].name) or [str(i) for i in range(out.shape[1])]
        if len(labels) != out.shape[1]:
            raise ServeError(f"the config gives {len(labels)} labels for output '{served.outputs[0].name}' of "
                             f"{out.shape[1]} classes")
        return {"result": [[[lab, float(s)] for lab, s in zip(labels, row)] for row in out.tolist()]}


def _version_number(text):
    if text is None:
        return None
    if not text.isdigit():
        raise InvalidRequest(f"Failed to convert version: {text} to numeric.")
    return int(text)


def _check_signature(body):
    sig = body.get("signature_name")
    if sig not in (None, "", "serving_default"):
        raise InvalidRequest(f"Serving signature name: \"{sig}\" not found in signature def (this server's models "
                             "have one signature, serving_default)")


def _version_status(v):
    ok = v.error is None
    return {"version": str(v.number), "state": v.state,
            "status": {"error_code": "OK" if ok else "UNKNOWN", "error_message": "" if ok else v.error}}


def _from_instances(served, instances, keyed=None):
    """Row format: one entry per example, a value (one input) or an object of named values."""
    if not isinstance(instances, list) or not instances:
        raise InvalidRequest("\"instances\" must be a non-empty list, one entry per example")
    if keyed is None:
        keyed = isinstance(instances[0], dict) and not (len(instances[0]) == 1 and "b64" in instances[0])
    if not keyed:
        if len(served.inputs) != 1:
            raise InvalidRequest(f"model '{served.name}' has inputs {[s.name for s in served.inputs]}: each instance "
                                 "must be an object naming them")
        spec = served.inputs[0]
        return {spec.name: to_array(instances, spec, "instances", served.image.get(spec.name))}
    for i, inst in enumerate(instances):
        if not isinstance(inst, dict):
            raise InvalidRequest(f"instances[{i}] is not an object, but instances[0] is; all instances take one form")
        if inst.keys() != instances[0].keys():
            raise InvalidRequest(f"instances[{i}] names {sorted(inst)}, instances[0] names {sorted(instances[0])}; "
                                 "every instance must name the same inputs")
    named = {}
    for key in instances[0]:
        spec = _spec(served, key)
        named[key] = to_array([inst[key] for inst in instances], spec, f"instances[*].{key}",
                              served.image.get(key))
    return named


def _from_columns(served, inputs):
    """Columnar format: one value (one input) or an object of named values, each holding the batch."""
    if isinstance(inputs, dict) and not (len(inputs) == 1 and "b64" in inputs):
        return {k: to_array(v, _spec(served, k), f"inputs.{k}", served.image.get(k)) for k, v in inputs.items()}
    if len(served.inputs) != 1:
        raise InvalidRequest(f"model '{served.name}' has inputs {[s.name for s in served.inputs]}: \"inputs\" must "
                             "be an object naming them")
    spec = served.inputs[0]
    return {spec.name: to_array(inputs, spec, "inputs", served.image.get(spec.name))}


def _spec(served, name):
    index = served.input_index.get(name)
    if index is None:
        raise InvalidRequest(f"model '{served.name}' has no input '{name}'; its inputs are "
                             f"{[s.name for s in served.inputs]}")
    return served.inputs[index]


def metadata(served):
    """GetModelMetadataResponse as TF Serving's REST API renders it."""
    def tensors(specs):
        return {s.name: {"dtype": tf_datatype(s.dtype), "name": s.name,
                         "tensor_shape": {"dim": [{"size": str(d), "name": ""} for d in s.shape],
                                          "unknown_rank": False}} for s in specs}
    signature = {"inputs": tensors(served.inputs), "outputs": tensors(served.outputs),
                 "method_name": "tensorflow/serving/predict"}
    return {"model_spec": {"name": served.name, "signature_name": "", "version": str(served.version)},
            "metadata": {"signature_def": {"signature_def": {"serving_default": signature}}}}
