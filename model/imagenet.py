"""The network's outputs: its snake classes, the kept ImageNet classifier, and the snake detector.

A network trained by training/train.py with the ImageNet head kept outputs its snake classes' logits
first, then ImageNet-1k's 1000 logits (training/weights.py, training/distill.py), then, where training
fitted one, the snake detector's single logit: the log-odds that the photo shows no snake
(training/detector.py). ImageNet has 17 snake classes, indices 52 (thunder snake) to 68 (sidewinder).
That head never saw our training sources, so it still recognises snakes from elsewhere that the snake
head, fitted to a few sources, would call `no_snake`: the safety policy will not say "no snake" while it
sees one, nor while the detector doubts it (model/policy.py).
"""

import math
from dataclasses import dataclass

import numpy as np

IMAGENET_CLASSES = 1000
SNAKE_CLASSES = slice(52, 69)


@dataclass(frozen=True)
class Outputs:
    """One photo's logits, split by what gave them."""

    classes: np.ndarray
    imagenet: np.ndarray | None
    """ImageNet-1k's logits, where the network kept that classifier."""
    no_snake_log_odds: float | None
    """The snake detector's logit, where the network has one."""


def split_logits(logits: np.ndarray, classes: int) -> Outputs:
    """One photo's logits as the snake classes', ImageNet's and the detector's (the last two optional)."""
    detector = has_detector(logits.shape[-1], classes)  # checks the width too
    kept_imagenet = logits.shape[-1] - classes >= IMAGENET_CLASSES
    imagenet = logits[classes : classes + IMAGENET_CLASSES] if kept_imagenet else None
    return Outputs(logits[:classes], imagenet, float(logits[-1]) if detector else None)


def has_detector(outputs: int, classes: int) -> bool:
    """Whether a network with this many outputs for `classes` classes ends with the detector's logit."""
    extra = outputs - classes
    if extra not in (0, 1, IMAGENET_CLASSES, IMAGENET_CLASSES + 1):
        raise ValueError(f"the network gives {outputs} outputs for {classes} classes")
    return extra in (1, IMAGENET_CLASSES + 1)


def softmax(logits: np.ndarray) -> np.ndarray:
    """Softmax over the last axis, in float64 (no overflow for any logit)."""
    shifted = np.asarray(logits, dtype=np.float64) - np.max(logits, axis=-1, keepdims=True)
    exponentials = np.exp(shifted)
    return exponentials / exponentials.sum(axis=-1, keepdims=True)


def snake_evidence(imagenet_logits: np.ndarray) -> np.ndarray:
    """The ImageNet head's total probability on its 17 snake classes (one value per photo)."""
    return softmax(imagenet_logits)[..., SNAKE_CLASSES].sum(axis=-1)


def probability(log_odds: float) -> float:
    """The logistic function, without overflow for any logit."""
    return 1 / (1 + math.exp(-log_odds)) if log_odds >= 0 else math.exp(log_odds) / (1 + math.exp(log_odds))
