"""The version manager: which versions of which models serve, loaded and swapped while serving.

A background thread scans the repository every `poll_interval` seconds. A version the policy
chooses is loaded, warmed up (every allowed batch size runs once) and only then published;
the version it replaces (an older one, or the same folder changed on disk) stops taking
requests, finishes its queue and unloads afterwards, so no request fails during a swap
(TF Serving's availability-preserving policy). A version whose files changed loads once the
change has stood still for one poll, so half-copied files are not read. A load that fails
is reported (status, logs, metrics) and the model keeps serving what it had.

Readers (the protocol handlers, on the event loop) never take a lock: the manager replaces
its dicts instead of mutating them.
"""
import logging
import threading
import time

import numpy as np

from ..errors import calling_site
from . import loaders
from .batcher import Batcher, BatcherClosed
from .errors import ModelNotFound, ModelUnavailable, ServeError
from .model import ServedModel
from .repository import chosen_versions, scan

log = logging.getLogger("unigrad.serve")


class Version:
    """One version of one model: TF Serving's states START, LOADING, AVAILABLE, UNLOADING, END."""

    def __init__(self, model_name, number, folder, signature):
        self.model_name, self.number, self.folder, self.signature = model_name, number, folder, signature
        self.state, self.error = "START", None
        self.served = self.batcher = self.metrics = None

    @property
    def ready(self):
        return self.state == "AVAILABLE"

    def submit(self, request):
        self.batcher.submit(request)


class Model:
    """A model's versions (published: serving, or the last failed attempt) and its config."""

    def __init__(self, source):
        self.source, self.name = source, source.name
        self.config, self.config_error = None, None
        self.versions = {}    # number -> Version, replaced whole on every change
        self.loading = {}     # number -> Version being loaded (status shows it as LOADING)
        self.folders = {}     # number -> folder, as last scanned
        self.seen = {}        # number -> signature seen by the previous scan

    def available(self):
        return {n: v for n, v in self.versions.items() if v.ready}

    def latest(self):
        ready = self.available()
        return ready[max(ready)] if ready else None


class VersionManager:
    """Loads, serves and swaps the versions of every model from `sources()` (ModelSources)."""

    def __init__(self, sources, metrics=None, device=None, poll_interval=1.0):
        self.sources, self.metrics, self.device, self.poll_interval = sources, metrics, device, poll_interval
        self.models = {}
        self.loaded_once = threading.Event()
        self._stop = threading.Event()
        self._thread = None
        self._sync_lock = threading.Lock()

    # ---- lifecycle ----------------------------------------------------------------------
    def start(self):
        """Load what the repository holds in the background, then keep polling it."""
        self._thread = threading.Thread(target=self._run, daemon=True, name="unigrad-serve:versions")
        self._thread.start()

    def _run(self):
        try:
            self.sync(initial=True)
        except Exception:  # a broken repository must not kill the server; it is logged and retried
            log.exception("scanning the model repository failed")
        finally:
            self.loaded_once.set()
        while self.poll_interval and not self._stop.wait(self.poll_interval):
            try:
                self.sync()
            except Exception:
                log.exception("scanning the model repository failed")

    def close(self):
        """Stop polling, let queued requests finish, unload everything."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        with self._sync_lock:
            for model in list(self.models.values()):
                for version in model.versions.values():
                    self._retire(version, forget=True)
                model.versions = {}
            self.models = {}

    # ---- reading (any thread, no locks) ----------------------------------------------------
    def ready(self):
        """Server readiness: the first load finished and every model has a version serving."""
        return self.loaded_once.is_set() and all(m.latest() is not None for m in self.models.values())

    def model(self, name):
        model = self.models.get(name)
        if model is None:
            names = ", ".join(sorted(self.models)) or "none"
            raise ModelNotFound(f"Servable not found for request: unknown model '{name}' (this server has: {names})")
        return model

    def resolve(self, name, version=None, label=None):
        """The serving Version a request names: a number, a label, or (neither) the latest."""
        model = self.model(name)
        if label is not None:
            labels = model.config.version_labels if model.config is not None else {}
            if label not in labels:
                raise ModelNotFound(f"Servable not found for request: model '{name}' has no version label "
                                    f"'{label}' (labels: {', '.join(sorted(labels)) or 'none'})")
            version = labels[label]
        if version is None:
            found = model.latest()
            if found is None:
                raise ModelUnavailable(f"model '{name}' is not ready: {self._why_not_ready(model)}")
            return found
        found = model.versions.get(int(version))
        if found is not None and found.ready:
            return found
        if found is not None and found.error:
            raise ModelUnavailable(f"model '{name}' version {version} failed to load: {found.error}")
        if found is not None or int(version) in model.folders and int(version) in self._wanted(model):
            raise ModelUnavailable(f"model '{name}' version {version} is loading; retry shortly")
        serving = ", ".join(str(v) for v in sorted(model.available())) or "none"
        raise ModelNotFound(f"Servable not found for request: model '{name}' has no version {version} "
                            f"(serving: {serving})")

    def submit(self, name, version, label, make_request):
        """Resolve and queue `make_request(version)`; retried once if the version unloads meanwhile."""
        for _ in range(3):
            target = self.resolve(name, version, label)
            request = make_request(target)
            try:
                target.submit(request)
                return target, request
            except BatcherClosed:
                time.sleep(0)  # the swap publishes its successor before closing this one
        raise ModelUnavailable(f"model '{name}' is being reloaded; retry")

    def _why_not_ready(self, model):
        if model.config_error:
            return model.config_error
        failed = [v for v in model.versions.values() if v.error]
        if failed:
            return f"version {failed[-1].number} failed to load: {failed[-1].error}"
        if not model.folders:
            return f"no version folders (numbers) in {model.source.base_path}"
        return "loading"

    def _wanted(self, model):
        if model.config is None:
            return []
        return chosen_versions(model.config.version_policy, model.folders)

    # ---- the poller ------------------------------------------------------------------------
    def sync(self, initial=False):
        """Scan the repository once and load, swap and unload to match it."""
        with self._sync_lock:
            sources = {s.name: s for s in self.sources()}
            models = dict(self.models)
            for name in [n for n in models if n not in sources]:
                log.info("model %s: its folder is gone; unloading it", name)
                for version in models[name].versions.values():
                    self._retire(version, forget=True)
                del models[name]
            for name, source in sources.items():
                models.setdefault(name, Model(source))
            self.models = models
            for model in models.values():
                self._sync_model(model, scan(model.source), initial)

    def _sync_model(self, model, scanned, initial):
        model.folders = {n: folder for n, (folder, _) in scanned.versions.items()}
        if scanned.config_error:
            if scanned.config_error != model.config_error:
                log.error("model %s: %s (it keeps serving what it had)", model.name, scanned.config_error)
            model.config_error = scanned.config_error
            return
        model.config_error = None
        model.config = scanned.config
        wanted = chosen_versions(model.config.version_policy, scanned.versions)
        for number in wanted:
            folder, signature = scanned.versions[number]
            current = model.versions.get(number)
            if current is not None and current.signature == signature:
                continue  # serving it, or it failed with these very files: wait for them to change
            stable = initial or model.seen.get(number) == signature
            if stable:
                self._load(model, number, folder, signature)
        model.seen = {n: sig for n, (_, sig) in scanned.versions.items()}
        if not wanted or any(model.versions[n].ready for n in wanted if n in model.versions):
            for number in [n for n in model.versions if n not in wanted]:
                log.info("model %s: version %d unloads (the version policy no longer serves it)", model.name,
                         number)
                retired = model.versions[number]
                model.versions = {n: v for n, v in model.versions.items() if n != number}
                self._retire(retired, forget=True)

    def _load(self, model, number, folder, signature):
        version = Version(model.name, number, folder, signature)
        version.state = "LOADING"
        model.loading = {**model.loading, number: version}
        try:
            self._load_version(model, version)
        finally:
            model.loading = {n: v for n, v in model.loading.items() if n != number}

    def _load_version(self, model, version):
        number, folder = version.number, version.folder
        start = time.perf_counter()
        try:
            loader, path = loaders.choose(folder, model.config)
            runner = loader.load(path, model.config.device if self.device is None else self.device)
            served = ServedModel(model.name, number, runner, model.config)
            with calling_site(f"model '{model.name}' version {number} warm-up"):
                sizes = warm_up(served) if model.config.warmup else []
            version.metrics = self.metrics.for_version(model.name, number) if self.metrics else None
            version.served, version.batcher = served, Batcher(served, version.metrics)
        except Exception as exc:
            version.state, version.error = "END", str(exc) if isinstance(exc, ServeError) else \
                f"{type(exc).__name__}: {exc}"
            log.error("model %s version %d failed to load: %s", model.name, number, version.error)
            if self.metrics is not None:
                self.metrics.load_failures.labels(model.name, str(number)).inc()
            old = model.versions.get(number)
            if old is None or not old.ready:  # a broken update of a serving version keeps the old one
                model.versions = {**model.versions, number: version}
            return
        version.state = "AVAILABLE"
        old = model.versions.get(number)
        model.versions = {**model.versions, number: version}
        if self.metrics is not None:
            self.metrics.ready.labels(model.name, str(number)).set(1)
        log.info("model %s version %d ready: %s from %s, max_batch_size %d, warmed up at %s in %.2f s",
                 model.name, number, served.platform, path, served.max_batch_size, sizes or "-",
                 time.perf_counter() - start)
        if old is not None:
            self._retire(old, forget=False)

    def _retire(self, version, forget):
        if version.batcher is None:
            return
        version.state = "UNLOADING"
        version.batcher.close()  # finishes the queue first
        version.served.close()
        version.state = "END"
        if self.metrics is not None and forget:
            self.metrics.ready.labels(version.model_name, str(version.number)).set(0)
            self.metrics.forget(version.model_name, version.number)


def warm_up(served):
    """Run the model once per allowed batch size on zeros (compiles each plan), checking what it returns."""
    sizes = served.batch_sizes or [None]
    for size in sizes:
        arrays = []
        for spec in served.inputs:
            dims = list(spec.shape)
            if size is not None:
                dims[0] = size
            if any(d < 0 for d in dims):
                log.info("model %s: input %s has a free size %s other than the batch axis; warm-up skipped",
                         served.name, spec.name, spec.shape)
                return []
            arrays.append(np.zeros(dims, dtype=spec.dtype))
        outputs = served.run(arrays)
        if len(outputs) != len(served.outputs):
            raise ServeError(f"warm-up: the model returned {len(outputs)} outputs, its graph declares "
                             f"{len(served.outputs)}")
        for spec, out in zip(served.outputs, outputs):
            if size is not None and (out.ndim == 0 or out.shape[0] != size):
                raise ServeError(f"warm-up: output {spec.name} has shape {list(out.shape)} for a batch of {size}; "
                                 "a batching model must keep the batch on axis 0 (or set max_batch_size = 0)")
    return [s for s in sizes if s is not None]
