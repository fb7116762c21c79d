"""Prometheus metrics for `GET /metrics`: what was asked, from where, what came of it, and how fast."""

import time
from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from bot.inference import InferenceService, Overloaded
from model import Classified, Classifier, UnreadableImage

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class Metrics:
    """One registry per web app (no process-global state), so tests can build as many as they like."""

    def __init__(self, queue_depth: Callable[[], int]) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "snakebot_requests",
            "Photos received, by source (telegram, api) and outcome (answered, unreadable, busy, error)",
            ["source", "outcome"],
            registry=self.registry,
        )
        self.verdicts = Counter(
            "snakebot_verdicts",
            "Verdicts given, by source and label",
            ["source", "label"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "snakebot_inference_seconds",
            "From admission to verdict: waiting in the queue plus decoding and the forward pass",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.feedback = Counter(
            "snakebot_feedback",
            "Users' answers saved, by the verdict answered and the answer (right, or the class they named)",
            ["verdict", "answer"],
            registry=self.registry,
        )
        self.queue_depth = Gauge(
            "snakebot_queue_depth", "Photos admitted and not yet answered", registry=self.registry
        )
        self.queue_depth.set_function(queue_depth)

    def render(self) -> bytes:
        """The metrics in Prometheus' text exposition format."""
        return generate_latest(self.registry)


class ObservedInference:
    """The shared inference service as one source sees it: every call is counted and timed."""

    def __init__(self, inference: InferenceService, metrics: Metrics, source: str) -> None:
        self._inference = inference
        self._metrics = metrics
        self._source = source

    @property
    def classifier(self) -> Classifier:
        return self._inference.classifier

    @property
    def queue_depth(self) -> int:
        return self._inference.queue_depth

    async def classify(self, data: bytes, place: str | None = None) -> Classified:
        started = time.perf_counter()
        try:
            classified = await self._inference.classify(data, place)
        except Overloaded:
            self._count("busy")
            raise
        except UnreadableImage:
            self._count("unreadable")
            raise
        except Exception:
            self._count("error")
            raise
        self._metrics.latency.observe(time.perf_counter() - started)
        self._metrics.verdicts.labels(self._source, classified.verdict.label).inc()
        self._count("answered")
        return classified

    def _count(self, outcome: str) -> None:
        self._metrics.requests.labels(self._source, outcome).inc()
