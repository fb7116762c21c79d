"""Load the classifier once and classify photo bytes with it."""

import hashlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
from PIL import Image

from model.compiled import compile_for_serving, compiled_path_for, read_compiled
from model.decoding import decode_image
from model.imagenet import probability, snake_evidence, softmax, split_logits
from model.policy import Policy, decide, redecide
from model.verdict import CLASSES, Verdict
from model.views import centre_view

logger = logging.getLogger(__name__)

DEFAULT_MODEL_PATH = Path(__file__).parent / "snake_classifier.pkl"


class ModelNotFound(FileNotFoundError):
    """The learner file is missing; the message names the path."""


@dataclass(frozen=True)
class Classified:
    """A verdict and the picture it was made from: the photo decoded upright in RGB at a reduced scale
    (model/decoding.py), so that whoever keeps a copy of the photo need not decode it again."""

    verdict: Verdict
    picture: Image.Image


class Network(Protocol):
    """The forward pass: a float32 batch of one photo (1, 3, H, W) in, the network's logits out."""

    def __call__(self, batch: np.ndarray) -> np.ndarray: ...

    def with_threads(self, threads: int) -> "Network": ...


def thresholds_path_for(model_path: Path) -> Path:
    """Where the safety thresholds chosen for a model live: beside it, `<name>.policy.json`."""
    return model_path.with_suffix(".policy.json")


@dataclass
class Classifier:
    """The network, its validation transform and the safety policy; `classify` is safe from any thread.

    The forward pass is serialised by a lock (on 2 cores parallel forwards only fight over the same
    cores); decoding and the transform, the expensive part for big photos, run outside it.
    """

    network: Network
    transform: Callable[[Image.Image], np.ndarray]
    vocab: list[str]
    input_size: int
    policy: Policy
    name: str
    version: str = ""
    """The first 12 hex digits of the model file's SHA-256: tells apart two files of the same name."""
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        if sorted(self.vocab) != sorted(CLASSES):
            raise ValueError(f"model classes {self.vocab} are not {list(CLASSES)}")

    def use_threads(self, threads: int) -> None:
        """Run the forward pass on `threads` threads."""
        self.network = self.network.with_threads(threads)

    def classify(self, data: bytes, place: str | None = None) -> Verdict:
        """Classify the photo in `data` for a snake seen at `place` (an ISO 3166 code; None: unknown).

        Raises `UnreadableImage` for anything that is not a photo.
        """
        return self.classified(data, place).verdict

    def classified(self, data: bytes, place: str | None = None) -> Classified:
        """The verdict on the photo in `data`, with the photo as decoded; raises `UnreadableImage`."""
        picture = decode_image(data, min_side=self.input_size)
        return Classified(self.classify_image(picture, place), picture)

    def classify_image(self, image: Image.Image, place: str | None = None) -> Verdict:
        """Classify an already decoded RGB PIL image."""
        scores = self.looked_over(image)
        named = dict(zip(self.vocab, scores.probabilities.tolist(), strict=True))
        return decide(named, self.policy.for_place(place), scores.snake_evidence, scores.detector_no_snake)

    def answer_for_place(self, verdict: Verdict, place: str | None) -> Verdict:
        """The same photo's verdict for a snake seen at `place`, from its scores: no second look needed."""
        return redecide(verdict, self.policy.for_place(place))

    def looked_over(self, image: Image.Image) -> "Scores":
        """The whole photo's scores; where they rank "no snake" first, a second look (model/views.py).

        Then the view less sure there is no snake speaks for the photo, and the ImageNet head's snake
        evidence and the detector's doubt are the more either view shows: "no snake" must hold for the
        closer look too.
        """
        whole = self.scores(image)
        no_snake = self.vocab.index("no_snake")
        if int(np.argmax(whole.probabilities)) != no_snake:
            return whole
        view = self.scores(centre_view(image))
        closer = view.probabilities[no_snake] < whole.probabilities[no_snake]
        return Scores(
            (view if closer else whole).probabilities,
            _either(whole.snake_evidence, view.snake_evidence, max),
            _either(whole.detector_no_snake, view.detector_no_snake, min),
        )

    def scores(self, image: Image.Image) -> "Scores":
        """What the network's outputs say about one view of a photo (model/imagenet.py)."""
        batch = self.transform(image)
        with self._lock:
            logits = self.network(batch)
        outputs = split_logits(logits[0], len(self.vocab))
        return Scores(
            softmax(outputs.classes),
            None if outputs.imagenet is None else float(snake_evidence(outputs.imagenet)),
            None if outputs.no_snake_log_odds is None else probability(outputs.no_snake_log_odds),
        )


@dataclass(frozen=True)
class Scores:
    """One look at a photo: the snake classes' probabilities and what the policy checks "no snake" by."""

    probabilities: np.ndarray
    """Softmax over the vocabulary, in its order."""
    snake_evidence: float | None
    """The ImageNet head's snake probability, where the network kept that head."""
    detector_no_snake: float | None
    """The snake detector's probability that there is no snake, where the network has one."""


def _either(first: float | None, second: float | None, pick: Callable[[float, float], float]) -> float | None:
    """`pick` of two optional values (a network has an output for both views or for neither)."""
    return None if first is None or second is None else pick(first, second)


def load_classifier(path: Path | str = DEFAULT_MODEL_PATH, use_compiled: bool = True) -> Classifier:
    """The learner at `path` with the safety policy beside it (default thresholds when there is none).

    Served from its compiled model (model/compiled.py), compiled first where that is missing or stale;
    from the learner itself, in this process, where it cannot be compiled or `use_compiled` is False.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelNotFound(f"no model file at {path}")
    policy_file = thresholds_path_for(path)
    policy = Policy.load(policy_file) if policy_file.is_file() else Policy()
    source = hashlib.sha256(path.read_bytes()).hexdigest()
    named = {"policy": policy, "name": path.stem, "version": source[:12]}
    compiled = None
    if use_compiled:
        compiled = read_compiled(compiled_path_for(path), source) or compile_for_serving(path, source)
    if compiled is not None:
        side = max(compiled.transform.size)
        return Classifier(compiled.engine, compiled.transform, compiled.vocab, side, **named)
    try:
        from model import learner as learners  # imports PyTorch and fastai
    except ImportError as missing:  # an image that serves compiled models only
        raise ModelNotFound(
            f"no compiled model beside {path} and no {missing.name} here to serve the learner: "
            f"run `python -m model.compile {path}` where PyTorch is installed"
        ) from None
    if use_compiled:
        logger.warning("serving %s with PyTorch and fastai in this process: more memory, slower start", path)

    learner = learners.load_learner_file(path)
    return Classifier(
        learners.serving_network(learner),
        learners.serving_transform(learner),
        learners.vocabulary(learner),
        learners.input_size(learner),
        **named,
    )
