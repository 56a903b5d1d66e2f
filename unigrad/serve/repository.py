"""The model repository on disk: `ROOT/<model>/<version>/` folders and each model's config.

Scanning is cheap and side-effect free; the version manager (`versions.py`) decides what to
load from the scans. A version folder's signature (file names, sizes, modification times, and
the config's) tells when it changed.
"""
import dataclasses
import os

from .config import find_config, load_config
from .errors import ServeError


@dataclasses.dataclass
class ModelSource:
    """Where one model's versions live, and the config used when its folder has none."""
    name: str
    base_path: str
    default_config: object = None  # a ModelConfig, or None for the defaults


@dataclasses.dataclass
class ScannedModel:
    """What a scan found for one model."""
    name: str
    base_path: str
    config: object          # ModelConfig, or None when config_error
    config_error: str
    versions: dict          # version -> (folder, signature)


def discover(root):
    """A ModelSource for every model folder under the repository root."""
    try:
        names = sorted(os.listdir(root))
    except OSError as exc:
        raise ServeError(f"model repository '{root}' cannot be read ({exc})") from None
    return [ModelSource(n, os.path.join(root, n)) for n in names
            if not n.startswith(".") and os.path.isdir(os.path.join(root, n))]


def scan(source):
    """The config and version folders of one model as they are now."""
    config, error = None, None
    try:
        config = load_config(source.base_path) if find_config(source.base_path) or source.default_config is None \
            else source.default_config
    except ServeError as exc:
        error = str(exc)
    config_sig = _signature_of_config(source.base_path)
    versions = {}
    try:
        entries = os.listdir(source.base_path)
    except OSError:
        entries = []
    for entry in entries:
        folder = os.path.join(source.base_path, entry)
        if entry.isdigit() and os.path.isdir(folder):
            versions[int(entry)] = (folder, (config_sig, _signature_of_folder(folder)))
    return ScannedModel(source.name, source.base_path, config, error, versions)


def chosen_versions(policy, available):
    """The versions a policy serves out of the folder numbers `available` (TF Serving's policies)."""
    ordered = sorted(available)
    if policy[0] == "latest":
        return ordered[-policy[1]:] if ordered else []
    if policy[0] == "all":
        return ordered
    return [v for v in ordered if v in set(policy[1])]


def _signature_of_folder(folder):
    found = []
    for dirpath, _, files in os.walk(folder):
        for f in sorted(files):
            try:
                st = os.stat(os.path.join(dirpath, f))
            except OSError:
                continue
            found.append((os.path.relpath(os.path.join(dirpath, f), folder), st.st_size, st.st_mtime_ns))
    return tuple(sorted(found))


def _signature_of_config(base_path):
    path = find_config_quiet(base_path)
    if path is None:
        return None
    try:
        st = os.stat(path)
        return (os.path.basename(path), st.st_size, st.st_mtime_ns)
    except OSError:
        return None


def find_config_quiet(base_path):
    try:
        return find_config(base_path)
    except ServeError:
        return os.path.join(base_path, "config.toml")
