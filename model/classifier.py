"""Load the exported fastai learner once and classify photo bytes with it."""

import hashlib
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

import torch

from model.compat import ensure_torchvision_importable
from model.decoding import decode_image
from model.engine import Forward, fast_forward
from model.folding import fold_batch_norms
from model.imagenet import snake_evidence, split_logits
from model.policy import Thresholds, decide
from model.transforms import UnknownPipeline, ValidationTransform
from model.verdict import CLASSES, Verdict

ensure_torchvision_importable()

from fastai.learner import Learner, load_learner  # noqa: E402  (needs the guard above)
from fastai.vision.core import PILImage  # noqa: E402

DEFAULT_MODEL_PATH = Path(__file__).parent / "snake_classifier.pkl"


class ModelNotFound(FileNotFoundError):
    """The learner file is missing; the message names the path."""


def thresholds_path_for(model_path: Path) -> Path:
    """Where the safety thresholds chosen for a model live: beside it, `<name>.policy.json`."""
    return model_path.with_suffix(".policy.json")


@dataclass
class Classifier:
    """A loaded learner plus the safety thresholds; `classify` is safe to call from any thread.

    We run the learner's own validation transforms and model directly instead of `Learner.predict`,
    which mutates shared learner state and breaks when threads call it at once: the transforms in
    plain PIL and numpy where they are the usual ones (model/transforms.py), the network through ONNX
    Runtime (model/engine.py). The forward pass is serialised by a lock (on 2 cores parallel forwards
    only fight over the same cores); decoding, the expensive part for big photos, runs outside it.
    """

    learner: Learner
    thresholds: Thresholds
    name: str
    version: str = ""
    """The first 12 hex digits of the model file's SHA-256: tells apart two files of the same name."""

    def __post_init__(self) -> None:
        vocab = [str(name) for name in self.learner.dls.vocab]
        if sorted(vocab) != sorted(CLASSES):
            raise ValueError(f"model classes {vocab} are not {list(CLASSES)}")
        self._vocab = vocab
        self._lock = threading.Lock()
        validation = self.learner.dls.valid
        # Outside fastai's own loop the pipelines' split_idx is unset, and then the train-only
        # augmentations (flips, rotation, lighting) would run on every photo: pin the validation split.
        validation.after_item.split_idx = validation.after_batch.split_idx = 1
        resize = next(t for t in validation.after_item.fs if hasattr(t, "size"))
        self.input_size = max(resize.size)
        fold_batch_norms(self.learner.model)
        self.forward: Forward = fast_forward(self.learner.model, self.input_size)
        try:
            self._transform = ValidationTransform.from_dataloader(validation)
        except UnknownPipeline:
            self._transform = self._fastai_transform

    def use_threads(self, threads: int) -> None:
        """Run the forward pass on `threads` threads (PyTorch's and the engine's)."""
        torch.set_num_threads(threads)
        if hasattr(self.forward, "with_threads"):
            self.forward = self.forward.with_threads(threads)

    def classify(self, data: bytes) -> Verdict:
        """Classify the photo in `data`; raises `UnreadableImage` for anything that is not one."""
        return self.classify_image(decode_image(data, min_side=self.input_size))

    def classify_image(self, image) -> Verdict:
        """Classify an already decoded RGB PIL image."""
        probabilities, evidence = self.scores(image)
        named = dict(zip(self._vocab, probabilities.tolist(), strict=True))
        return decide(named, self.thresholds, snake_evidence=evidence)

    def probabilities(self, image) -> torch.Tensor:
        """The network's softmax over its vocabulary for one RGB PIL image."""
        return self.scores(image)[0]

    def scores(self, image) -> tuple[torch.Tensor, float | None]:
        """The softmax over the vocabulary and the ImageNet head's snake probability (model/imagenet.py)."""
        batch = self._transform(image)
        with self._lock, torch.inference_mode():
            logits = self.forward(batch)
        classes, imagenet = split_logits(logits[0], len(self._vocab))
        evidence = None if imagenet is None else float(snake_evidence(imagenet))
        return torch.softmax(classes.float(), dim=0), evidence

    def _fastai_transform(self, image) -> torch.Tensor:
        """The learner's validation pipeline run by fastai, for pipelines model/transforms.py doesn't know."""
        dataloader = self.learner.dls.valid
        item = dataloader.after_item(PILImage(image))
        with self._lock:
            return dataloader.after_batch(item[None])


def load_classifier(path: Path | str = DEFAULT_MODEL_PATH) -> Classifier:
    """Load the learner at `path` and the thresholds beside it (defaults when there are none)."""
    path = Path(path)
    if not path.is_file():
        raise ModelNotFound(f"no model file at {path}")
    with warnings.catch_warnings():
        # fastai warns that pickles can run code: MODEL_PATH is the operator's own file, never user input.
        warnings.filterwarnings("ignore", message=".*insecure pickle", category=UserWarning)
        learner = load_learner(path, cpu=True)
    policy_file = thresholds_path_for(path)
    thresholds = Thresholds.load(policy_file) if policy_file.is_file() else Thresholds()
    version = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return Classifier(learner=learner, thresholds=thresholds, name=path.stem, version=version)
