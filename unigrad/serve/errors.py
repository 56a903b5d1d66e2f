"""Errors of the model server, each with the canonical status it answers with.

A request error names what was wrong in the request (the input, its shape, the model and
version); a model error names the file. The HTTP status each protocol sends follows its
reference server: TF Serving's `ToHTTPStatusCode` for `/v1`, Triton's mapping for `/v2`, and
gRPC's own status codes for the gRPC service.
"""
from ..errors import DataError, UnigradError


class ServeError(UnigradError):
    """Base of the server's errors; `code` is the canonical (gRPC/absl) status name."""
    code = "INTERNAL"

    def __init__(self, message):
        # no call site: a request has none in the user's code, and files name their own place
        Exception.__init__(self, message)


class InvalidRequest(ServeError, ValueError):
    """The request is malformed or does not fit the model (names, shapes, dtypes)."""
    code = "INVALID_ARGUMENT"


class ModelNotFound(ServeError, LookupError):
    """No such model, version or label in the repository."""
    code = "NOT_FOUND"


class ModelUnavailable(ServeError):
    """The model exists but cannot take the request now (loading, queue full, shutting down)."""
    code = "UNAVAILABLE"


class PayloadTooLarge(ServeError):
    """The request body is over the server's limit (HTTP 413)."""
    code = "RESOURCE_EXHAUSTED"


class RequestCancelled(ServeError):
    """The client went away before its result was ready."""
    code = "CANCELLED"


class Unimplemented(ServeError):
    """A protocol feature this server does not provide."""
    code = "UNIMPLEMENTED"


class ConfigError(ServeError, ValueError):
    """A model's config file is unreadable or holds a wrong value (the message names file and key)."""
    code = "INVALID_ARGUMENT"


class ModelLoadError(ServeError, DataError):
    """A model version's files could not be loaded (the message names the files and the cause)."""
    code = "INTERNAL"


# TF Serving's http_server.cc ToHTTPStatusCode
_TF_HTTP = {"OK": 200, "CANCELLED": 499, "INVALID_ARGUMENT": 400, "FAILED_PRECONDITION": 400, "OUT_OF_RANGE": 400,
            "UNAUTHENTICATED": 401, "PERMISSION_DENIED": 403, "NOT_FOUND": 404, "ALREADY_EXISTS": 409,
            "ABORTED": 409, "RESOURCE_EXHAUSTED": 429, "UNKNOWN": 500, "INTERNAL": 500, "DATA_LOSS": 500,
            "UNIMPLEMENTED": 501, "UNAVAILABLE": 503, "DEADLINE_EXCEEDED": 504}
# Triton's HTTP mapping: these four, anything else 400
_KSERVE_HTTP = {"INTERNAL": 500, "NOT_FOUND": 404, "UNAVAILABLE": 503, "UNIMPLEMENTED": 501}


def as_serve_error(exc):
    """`exc` if it is a ServeError, else an INTERNAL ServeError carrying its message."""
    if isinstance(exc, ServeError):
        return exc
    return ServeError(f"{type(exc).__name__}: {exc}")


def tf_http_status(exc):
    """The HTTP status TF Serving answers `exc` with."""
    if isinstance(exc, PayloadTooLarge):
        return 413
    return _TF_HTTP.get(getattr(exc, "code", "INTERNAL"), 500)


def kserve_http_status(exc):
    """The HTTP status Triton answers `exc` with on the KServe v2 REST API."""
    if isinstance(exc, PayloadTooLarge):
        return 413
    return _KSERVE_HTTP.get(getattr(exc, "code", "INTERNAL"), 400)
