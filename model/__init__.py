"""The snake classifier: photo bytes in, a verdict under the safety policy out.

Knows nothing of Telegram or HTTP; the bot, the web API and training all use it through this face.
Serving needs ONNX Runtime, not PyTorch or fastai (model/compiled.py); model/learner.py is their door.
"""

from model.classifier import DEFAULT_MODEL_PATH, Classified, Classifier, ModelNotFound, load_classifier
from model.decoding import UnreadableImage
from model.policy import Thresholds, decide
from model.verdict import CLASSES, DANGEROUS_MISS_LABELS, LABELS, UNCERTAIN, Verdict

__all__ = [
    "CLASSES",
    "DANGEROUS_MISS_LABELS",
    "DEFAULT_MODEL_PATH",
    "LABELS",
    "UNCERTAIN",
    "Classified",
    "Classifier",
    "ModelNotFound",
    "Thresholds",
    "UnreadableImage",
    "Verdict",
    "decide",
    "load_classifier",
]
