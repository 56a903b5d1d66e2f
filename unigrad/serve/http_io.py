"""HTTP plumbing shared by the REST front ends: bounded bodies (with gzip/deflate), JSON in and
out in TF Serving's dialect (NaN and Infinity allowed), and the client-gone watcher."""
import json
import zlib

from starlette.responses import Response

from .errors import InvalidRequest, PayloadTooLarge

DEFAULT_MAX_BODY = 64 << 20


async def read_body(request, limit):
    """The request body, decompressed, refusing (413) anything over `limit` bytes."""
    length = request.headers.get("content-length")
    if length is not None:
        try:
            if int(length) > limit:
                raise PayloadTooLarge(f"the request body is {int(length)} bytes; this server takes at most "
                                      f"{limit} (start it with a larger --max-body-bytes)")
        except ValueError:
            raise InvalidRequest(f"Content-Length {length!r} is not a number") from None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"the request body is over {limit} bytes, this server's limit "
                                  "(start it with a larger --max-body-bytes)")
        chunks.append(chunk)
    body = b"".join(chunks)
    encoding = request.headers.get("content-encoding", "identity").lower()
    if encoding in ("", "identity"):
        return body
    if encoding not in ("gzip", "deflate"):
        raise InvalidRequest(f"Content-Encoding {encoding!r} is not supported (send identity, gzip or deflate)")
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16 if encoding == "gzip" else zlib.MAX_WBITS)
    try:
        out = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise InvalidRequest(f"the {encoding} request body is corrupt ({exc})") from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise PayloadTooLarge(f"the request body inflates to over {limit} bytes, this server's limit")
    return out


def parse_json(body, what="request body"):
    """A JSON document (NaN/Infinity tokens accepted, as TF Serving does)."""
    try:
        return json.loads(body)
    except json.JSONDecodeError as exc:
        raise InvalidRequest(f"JSON Parse error: {exc.msg} at line {exc.lineno} column {exc.colno} of the "
                             f"{what}") from None
    except UnicodeDecodeError as exc:
        raise InvalidRequest(f"JSON Parse error: the {what} is not UTF-8 ({exc.reason} at byte {exc.start})") from None


def json_bytes(doc):
    return json.dumps(doc, separators=(",", ":")).encode()


def json_response(doc, status=200, headers=None):
    return Response(json_bytes(doc), status_code=status, media_type="application/json", headers=headers)


def client_gone(request):
    """A coroutine function that returns once the client has disconnected (body already read)."""
    async def wait():
        while True:
            message = await request.receive()
            if message["type"] == "http.disconnect":
                return
    return wait
