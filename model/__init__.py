"""The snake classifier: photo bytes in, a verdict under the safety policy out.

Knows nothing of Telegram or HTTP; the bot, the web API and training all use it through this face.
The classifier's own names import torch and fastai, so they load on first use: that leaves a serving
process the chance to leave out what it doesn't need first (`model.left_out`).
"""

from typing import TYPE_CHECKING

from model.decoding import UnreadableImage
from model.policy import Thresholds, decide
from model.verdict import CLASSES, DANGEROUS_MISS_LABELS, LABELS, UNCERTAIN, Verdict

if TYPE_CHECKING:
    from model.classifier import DEFAULT_MODEL_PATH, Classifier, ModelNotFound, load_classifier

_FROM_CLASSIFIER = {"DEFAULT_MODEL_PATH", "Classifier", "ModelNotFound", "load_classifier"}

__all__ = [
    "CLASSES",
    "DANGEROUS_MISS_LABELS",
    "DEFAULT_MODEL_PATH",
    "LABELS",
    "UNCERTAIN",
    "Classifier",
    "ModelNotFound",
    "Thresholds",
    "UnreadableImage",
    "Verdict",
    "decide",
    "load_classifier",
]


def __getattr__(name: str):
    if name not in _FROM_CLASSIFIER:
        raise AttributeError(f"module 'model' has no attribute {name!r}")
    from model import classifier

    return getattr(classifier, name)
