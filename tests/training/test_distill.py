"""Learning without forgetting: the kept head's outputs stay near the original network's while training."""

import copy
from pathlib import Path

import torch
from torch import nn

from model.compat import ensure_torchvision_importable
from training.data import snake_dataloaders
from training.distill import KeepImageNetKnowledge, distillation_loss

ensure_torchvision_importable()

from fastai.vision.all import CrossEntropyLossFlat, Learner, accuracy  # noqa: E402

ORIGINAL_CLASSES = 10
"""A stand-in for ImageNet's 1000 classes: the callback does not care how many there are."""


def original_network() -> nn.Module:
    torch.manual_seed(0)
    body = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten())
    return nn.Sequential(body, nn.Linear(8, ORIGINAL_CLASSES))


def fine_tuned(original: nn.Module, classes: int) -> nn.Module:
    """The original body with a head of `classes` new outputs followed by the original ones."""
    body, head = copy.deepcopy(original)
    linear = nn.Linear(8, classes + ORIGINAL_CLASSES)
    with torch.no_grad():
        linear.weight[classes:], linear.bias[classes:] = head.weight, head.bias
    return nn.Sequential(body, linear)


def drift_after_training(photo_folder: Path, weight: float) -> float:
    """How far the kept outputs end from the original network's on the validation photos."""
    dls = snake_dataloaders([photo_folder], size=32, batch_size=8, split="grouped")
    original = original_network()
    callback = KeepImageNetKnowledge(original, len(dls.vocab), weight=weight)
    learner = Learner(
        dls,
        fine_tuned(original, len(dls.vocab)),
        loss_func=CrossEntropyLossFlat(),
        metrics=accuracy,
        cbs=callback,
    )
    torch.manual_seed(0)
    with learner.no_bar(), learner.no_logging():
        learner.fit(6, 3e-2)
    images, _ = dls.valid.one_batch()
    learner.model.eval()
    with torch.no_grad():
        kept = learner.model(images)[:, len(dls.vocab) :]
        return float(distillation_loss(kept, original(images), temperature=1.0))


def test_the_loss_is_zero_only_when_the_outputs_agree() -> None:
    logits = torch.randn(4, ORIGINAL_CLASSES)
    assert float(distillation_loss(logits, logits, 2.0)) == 0.0
    assert float(distillation_loss(logits, -logits, 2.0)) > 0.0


def test_distillation_keeps_the_original_outputs(photo_folder: Path) -> None:
    assert drift_after_training(photo_folder, weight=1.0) < drift_after_training(photo_folder, weight=0.0) / 2
