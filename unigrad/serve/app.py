"""The HTTP application (Starlette): TF Serving's `/v1`, KServe's `/v2`, `/metrics`, the web page."""
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

from .http_io import DEFAULT_MAX_BODY, json_response
from .metrics import CONTENT_TYPE_LATEST
from . import web
from .rest_kserve import KServeAPI
from .rest_tfserving import TFServingAPI


def build_app(manager, service, metrics=None, max_body=DEFAULT_MAX_BODY):
    """The ASGI app serving `manager`'s models through `service`."""
    tf = TFServingAPI(service, manager, max_body)
    routes = [
        Route("/v1/models", tf.list_models, methods=["GET"]),
        Route("/v1/models/{rest:path}", tf.handle, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
    ]
    routes += KServeAPI(service, manager, max_body).routes()
    routes += web.routes(manager)
    if metrics is not None:
        async def metrics_page(request):
            return Response(metrics.text(), media_type=CONTENT_TYPE_LATEST)
        routes.append(Route("/metrics", metrics_page, methods=["GET"]))
        # TF Serving's conventional path (prometheus_config { path: ... } in its monitoring config)
        routes.append(Route("/monitoring/prometheus/metrics", metrics_page, methods=["GET"]))
    async def not_found(request, exc):  # the protocols' error form, naming what exists
        return json_response({"error": f"no such endpoint: {request.method} {request.url.path} (this server has "
                                       "TF Serving's /v1/models/..., KServe v2's /v2/..., /metrics and /)"},
                             getattr(exc, "status_code", 404))
    return Starlette(routes=routes, exception_handlers={404: not_found, 405: not_found})
