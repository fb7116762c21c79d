"""What the network's kept ImageNet classifier says: how much of its belief is on a snake.

A network trained by training/train.py with the ImageNet head kept outputs its snake classes' logits
first and then ImageNet-1k's 1000 logits (training/weights.py, training/distill.py). ImageNet has 17
snake classes, indices 52 (thunder snake) to 68 (sidewinder). That head never saw our training sources,
so it still recognises snakes from elsewhere that the snake head, fitted to a few sources, would call
`no_snake`: the safety policy will not say "no snake" while it sees one (model/policy.py).
"""

import numpy as np

IMAGENET_CLASSES = 1000
SNAKE_CLASSES = slice(52, 69)


def split_logits(logits: np.ndarray, classes: int) -> tuple[np.ndarray, np.ndarray | None]:
    """The snake classes' logits, and the ImageNet logits where the network has them (else None)."""
    if logits.shape[-1] == classes:
        return logits, None
    if logits.shape[-1] != classes + IMAGENET_CLASSES:
        raise ValueError(f"the network gives {logits.shape[-1]} outputs for {classes} classes")
    return logits[..., :classes], logits[..., classes:]


def softmax(logits: np.ndarray) -> np.ndarray:
    """Softmax over the last axis, in float64 (no overflow for any logit)."""
    shifted = np.asarray(logits, dtype=np.float64) - np.max(logits, axis=-1, keepdims=True)
    exponentials = np.exp(shifted)
    return exponentials / exponentials.sum(axis=-1, keepdims=True)


def snake_evidence(imagenet_logits: np.ndarray) -> np.ndarray:
    """The ImageNet head's total probability on its 17 snake classes (one value per photo)."""
    return softmax(imagenet_logits)[..., SNAKE_CLASSES].sum(axis=-1)
