"""Stand-ins around the real tiny classifier: one that waits at a gate, one that fails on cue."""

import threading
from typing import Any

from model import Classified, Classifier


class GatedClassifier:
    """The real classifier, but every photo waits until the test opens the gate (at most `patience` s)."""

    def __init__(self, classifier: Classifier, patience: float = 20) -> None:
        self._classifier = classifier
        self._patience = patience
        self.gate = threading.Event()
        self.entered = threading.Event()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._classifier, name)

    def classified(self, data: bytes, place: str | None = None) -> Classified:
        self.entered.set()
        self.gate.wait(self._patience)
        return self._classifier.classified(data, place)


class FailingClassifier:
    """The real classifier, except that photos containing `marker` raise `error` (a bug of ours)."""

    def __init__(self, classifier: Classifier, marker: bytes, error: Exception) -> None:
        self._classifier = classifier
        self._marker = marker
        self._error = error

    def __getattr__(self, name: str) -> Any:
        return getattr(self._classifier, name)

    def classified(self, data: bytes, place: str | None = None) -> Classified:
        if self._marker in data:
            raise self._error
        return self._classifier.classified(data, place)
