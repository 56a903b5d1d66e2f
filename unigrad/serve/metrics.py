"""Prometheus metrics (prometheus-client), labelled by model and version like Triton's.

Each server has its own CollectorRegistry, so several servers in one process (tests, an
embedding application) keep separate counts. `GET /metrics` serves the text format.
"""
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import CONTENT_TYPE_LATEST  # noqa: F401  (re-exported for the route)

# seconds: 50 us .. 10 s, dense where a small model's latencies fall
_TIME_BUCKETS = (5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 2.5e-2, 5e-2, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
_LABELS = ("model", "version")


class ServerMetrics:
    """The server's metric families; `for_version(name, version)` binds one version's children."""

    def __init__(self):
        r = self.registry = CollectorRegistry()
        self.success = Counter("unigrad_inference_request_success", "Inference requests that succeeded", _LABELS,
                               registry=r)
        self.failure = Counter("unigrad_inference_request_failure", "Inference requests that failed, by reason "
                               "(the canonical status code)", _LABELS + ("reason",), registry=r)
        self.count = Counter("unigrad_inference_count", "Inferences performed (batch rows, not requests)", _LABELS,
                             registry=r)
        self.exec_count = Counter("unigrad_inference_exec_count", "Model executions (batches run)", _LABELS,
                                  registry=r)
        self.request_duration = Histogram("unigrad_inference_request_duration_seconds", "Time from a request's "
                                          "arrival at the model to its result, queue and compute included", _LABELS,
                                          buckets=_TIME_BUCKETS, registry=r)
        self.queue_duration = Histogram("unigrad_inference_queue_duration_seconds", "Time requests waited in the "
                                        "batcher's queue", _LABELS, buckets=_TIME_BUCKETS, registry=r)
        self.compute_duration = Histogram("unigrad_inference_compute_duration_seconds", "Time each model execution "
                                          "took (one batch)", _LABELS, buckets=_TIME_BUCKETS, registry=r)
        self.batch_size = Histogram("unigrad_inference_batch_size", "Rows per model execution", _LABELS,
                                    buckets=_BATCH_BUCKETS, registry=r)
        self.pending = Gauge("unigrad_inference_pending_request_count", "Requests waiting in the batcher's queue",
                             _LABELS, registry=r)
        self.in_flight = Gauge("unigrad_inference_requests_in_flight", "Inference requests the server is "
                               "handling (decoded, queued or running)", _LABELS, registry=r)
        self.ready = Gauge("unigrad_model_ready", "1 when the version serves, 0 while it loads or after it failed",
                           _LABELS, registry=r)
        self.load_failures = Counter("unigrad_model_load_failure", "Model version loads that failed", _LABELS,
                                     registry=r)

    def for_version(self, name, version):
        return VersionMetrics(self, name, str(version))

    def forget(self, name, version):
        """Drop an unloaded version's series (like Triton, which stops reporting unloaded models)."""
        labels = (name, str(version))
        for family in (self.success, self.count, self.exec_count, self.request_duration, self.queue_duration,
                       self.compute_duration, self.batch_size, self.pending, self.in_flight):
            try:
                family.remove(*labels)
            except KeyError:
                pass
        for reason in list(self.failure._metrics):
            if reason[:2] == labels:
                self.failure.remove(*reason)

    def text(self):
        return generate_latest(self.registry)


class VersionMetrics:
    """One version's bound children (binding once keeps each observation a few microseconds)."""

    def __init__(self, metrics, name, version):
        self._metrics, self._labels = metrics, (name, version)
        self.success = metrics.success.labels(name, version)
        self.count = metrics.count.labels(name, version)
        self.exec_count = metrics.exec_count.labels(name, version)
        self.request_duration = metrics.request_duration.labels(name, version)
        self.queue_duration = metrics.queue_duration.labels(name, version)
        self.compute_duration = metrics.compute_duration.labels(name, version)
        self.batch_size = metrics.batch_size.labels(name, version)
        self.pending = metrics.pending.labels(name, version)
        self.in_flight = metrics.in_flight.labels(name, version)

    def executed(self, rows, requests, seconds):
        """A batch of `rows` rows from `requests` requests ran in `seconds`."""
        self.count.inc(rows)
        self.exec_count.inc()
        self.compute_duration.observe(seconds)
        self.batch_size.observe(rows)

    def finished(self, request, seconds):
        """A request succeeded after `seconds` at the model."""
        self.success.inc()
        self.queue_duration.observe(request.queue_s)
        self.request_duration.observe(seconds)

    def failed(self, code):
        self._metrics.failure.labels(*self._labels, code).inc()
