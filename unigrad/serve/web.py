"""The web page: `GET /` lists the models; `/ui/model.html?model=NAME` lets a person draw a digit or
drop an image and shows the prediction, from the server or, when the version folder holds the
model's ONNX export, from onnxruntime-web in the browser.

The page is static files (`web/static/`). onnxruntime-web comes from the npm registry at build/CI time
(`npm ci --prefix unigrad/serve/web`, pinned in web/package.json) and is served from its `dist/`
at `/ui/ort/`; `$UNIGRAD_ORT_WEB` may name another copy of that folder.
"""
import mimetypes
import os

from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .errors import ModelNotFound, ServeError, kserve_http_status
from .http_io import json_response

WEB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "web")
STATIC = os.path.join(WEB, "static")
ORT_FILES = ("ort.wasm.min.js", "ort-wasm-simd-threaded.wasm", "ort-wasm-simd-threaded.mjs")

# module scripts and WebAssembly are refused by browsers under a generic type
mimetypes.add_type("text/javascript", ".mjs")
mimetypes.add_type("application/wasm", ".wasm")


def ort_dir():
    """The onnxruntime-web dist/ folder, or None when it is not installed."""
    for candidate in (os.environ.get("UNIGRAD_ORT_WEB"),
                      os.path.join(WEB, "node_modules", "onnxruntime-web", "dist")):
        if candidate and all(os.path.isfile(os.path.join(candidate, f)) for f in ORT_FILES):
            return candidate
    return None


def routes(manager):
    """The page's routes: /, the static files, the ONNX exports and onnxruntime-web."""
    async def index(request):
        return FileResponse(os.path.join(STATIC, "index.html"))

    async def model_page_info(request):
        """What the page needs beyond the KServe metadata: the ONNX export and whether ort is here."""
        name = request.path_params["model"]
        try:
            version = manager.resolve(name)
        except ServeError as exc:
            return json_response({"error": str(exc)}, kserve_http_status(exc))
        onnx = _onnx_file(version)
        return json_response({"model": name, "version": str(version.number),
                              "onnx": f"/ui/models/{name}/versions/{version.number}/model.onnx" if onnx else None,
                              "ort": ort_dir() is not None})

    async def onnx_file(request):
        name, number = request.path_params["model"], request.path_params["version"]
        try:
            version = manager.resolve(name, int(number)) if number.isdigit() else None
            path = _onnx_file(version) if version is not None else None
            if path is None:
                raise ModelNotFound(f"model '{name}' version {number} has no ONNX export (.onnx) in its folder")
        except ServeError as exc:
            return json_response({"error": str(exc)}, kserve_http_status(exc))
        return FileResponse(path, media_type="application/octet-stream")

    async def ort_file(request):
        folder = ort_dir()
        name = request.path_params["file"]
        if folder is None:
            return json_response({"error": "onnxruntime-web is not installed on this server; install it with "
                                           "`npm ci --prefix unigrad/serve/web` (or set UNIGRAD_ORT_WEB to its dist/ "
                                           "folder)"}, 404)
        if name not in ORT_FILES:
            return json_response({"error": f"/ui/ort/ serves {', '.join(ORT_FILES)}"}, 404)
        return FileResponse(os.path.join(folder, name))

    async def no_icon(request):
        return Response(status_code=204)

    return [
        Route("/", index, methods=["GET"]),
        Route("/favicon.ico", no_icon, methods=["GET"]),
        Route("/ui", lambda request: RedirectResponse("/"), methods=["GET"]),
        Route("/ui/api/models/{model}", model_page_info, methods=["GET"]),
        Route("/ui/models/{model}/versions/{version}/model.onnx", onnx_file, methods=["GET"]),
        Route("/ui/ort/{file}", ort_file, methods=["GET"]),
        Mount("/ui", app=StaticFiles(directory=STATIC), name="ui"),
    ]


def _onnx_file(version):
    try:
        names = sorted(n for n in os.listdir(version.folder) if n.endswith(".onnx"))
    except OSError:
        return None
    return os.path.join(version.folder, names[0]) if names else None
