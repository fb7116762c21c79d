"""The bounded executor in front of the classifier: the event loop never waits on a forward pass.

Work is admitted only while fewer than `capacity` photos are queued or running; past that the caller
gets `Overloaded` at once, so a flood turns into quick "busy" replies instead of ten-minute waits.

The forward pass gets a fixed share of the cores (by default all but one, split between the workers):
the event loop needs the remaining one to download photos and send replies, and an engine using every
core, fought over by the loop and its own threads, costs several times the CPU for a small model.
"""

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor

from model import Classified, Classifier


class Overloaded(RuntimeError):
    """Too many photos are waiting; try again later."""


class InferenceService:
    def __init__(
        self, classifier: Classifier, workers: int = 1, capacity: int = 32, threads: int | None = None
    ) -> None:
        self.classifier = classifier
        self.capacity = capacity
        self.threads = threads or default_threads(workers)
        classifier.use_threads(self.threads)
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="inference")
        self._in_flight = 0  # only touched on the event loop's thread

    @property
    def queue_depth(self) -> int:
        """Photos admitted and not yet answered (queued or running)."""
        return self._in_flight

    async def classify(self, data: bytes, place: str | None = None) -> Classified:
        """Classify photo bytes in a worker thread, for a snake seen at `place` (an ISO 3166 code, or None);
        raises `Overloaded` or `model.UnreadableImage`."""
        if self._in_flight >= self.capacity:
            raise Overloaded()
        self._in_flight += 1
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._executor, self.classifier.classified, data, place)
        finally:
            self._in_flight -= 1

    def shutdown(self) -> None:
        """Finish the photos in flight, then stop the worker threads."""
        self._executor.shutdown(wait=True)


def default_threads(workers: int) -> int:
    """Threads per forward pass: all cores but one for the event loop, shared by the workers."""
    return max(1, ((os.cpu_count() or 1) - 1) // workers)
