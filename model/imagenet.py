"""What the network's kept ImageNet classifier says: how much of its belief is on a snake.

A network trained by training/train.py with the ImageNet head kept outputs its snake classes' logits
first and then ImageNet-1k's 1000 logits (training/weights.py, training/distill.py). ImageNet has 17
snake classes, indices 52 (thunder snake) to 68 (sidewinder). That head never saw our training sources,
so it still recognises snakes from elsewhere that the snake head, fitted to a few sources, would call
`no_snake`: the safety policy will not say "no snake" while it sees one (model/policy.py).
"""

import torch

IMAGENET_CLASSES = 1000
SNAKE_CLASSES = slice(52, 69)


def split_logits(logits: torch.Tensor, classes: int) -> tuple[torch.Tensor, torch.Tensor | None]:
    """The snake classes' logits, and the ImageNet logits where the network has them (else None)."""
    if logits.shape[-1] == classes:
        return logits, None
    if logits.shape[-1] != classes + IMAGENET_CLASSES:
        raise ValueError(f"the network gives {logits.shape[-1]} outputs for {classes} classes")
    return logits[..., :classes], logits[..., classes:]


def snake_evidence(imagenet_logits: torch.Tensor) -> torch.Tensor:
    """The ImageNet head's total probability on its 17 snake classes (one value per photo)."""
    return torch.softmax(imagenet_logits.float(), dim=-1)[..., SNAKE_CLASSES].sum(dim=-1)
