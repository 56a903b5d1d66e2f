"""One small loader per model file format, chosen by the files a version folder holds.

A loader declares the file kind it claims (`suffixes`), the KServe platform name, and
`load(path, device) -> Runner`. Formats whose package is not in this unigrad are still
recognised, so their files get a clear error instead of being ignored.
"""
import dataclasses
import importlib.util
import os

from ..errors import ModelLoadError


@dataclasses.dataclass
class Loader:
    """A file format the server can serve."""
    platform: str          # "unigrad_graph", "onnx_onnxv1", "caffe"
    suffixes: tuple        # the file kind it claims, e.g. (".onnx",)
    load: callable         # load(path, device) -> Runner
    package: str = None    # the unigrad package it needs; None: always present

    def available(self):
        return self.package is None or importlib.util.find_spec(self.package) is not None


LOADERS = []


def register(loader):
    """Add a format; the first registered that claims a folder's files loads it."""
    LOADERS.append(loader)
    return loader


def choose(version_dir, config):
    """(loader, path of the model file) for a version folder, or ModelLoadError saying why not."""
    try:
        names = sorted(n for n in os.listdir(version_dir) if not n.startswith("."))
    except OSError as exc:
        raise ModelLoadError(f"{version_dir}: cannot list the version folder ({exc})") from None
    candidates = LOADERS if config.platform is None else [l for l in LOADERS if l.platform == config.platform]
    if not candidates:
        raise ModelLoadError(f"{config.source}: platform {config.platform!r} is not one this server knows "
                             f"({', '.join(l.platform for l in LOADERS)})")
    if config.model_file is not None:
        if config.model_file not in names:
            raise ModelLoadError(f"{version_dir}: model_file {config.model_file!r} (from {config.source}) is not "
                                 f"there; the folder holds {names}")
        names = [config.model_file]
    for loader in candidates:
        files = [n for n in names if n.endswith(loader.suffixes)]
        if not files:
            continue
        if not loader.available():
            raise ModelLoadError(f"{version_dir}: {files[0]} is a {loader.platform} model, which needs "
                                 f"{loader.package}; that format is not in this unigrad yet")
        return loader, os.path.join(version_dir, _one(files, loader, version_dir))
    kinds = ", ".join(f"{l.platform} ({'/'.join(l.suffixes)})" for l in candidates)
    raise ModelLoadError(f"{version_dir}: no model file found (it holds {names or 'nothing'}); the server loads "
                         f"{kinds}")


def _one(files, loader, version_dir):
    if len(files) == 1:
        return files[0]
    preferred = [f for f in files if f.startswith("model.")]
    if len(preferred) == 1:
        return preferred[0]
    raise ModelLoadError(f"{version_dir}: several {loader.platform} files {files}; name one with model_file in "
                         "the model's config")


# registration order is precedence: a saved graph beside a model.onnx (for the web page) serves
from . import unigrad_graph, caffe_net, onnx_model  # noqa: E402,F401  (each registers itself)
