"""Learning without forgetting: fine-tune on snakes while the network keeps what ImageNet taught it.

Fine-tuning alone turns the body into a detector of the training sources' look: photos from elsewhere
then fall into `no_snake`. The untouched ImageNet network still knows a snake when it sees one (its 17
snake classes). So the head keeps the ImageNet classifier as extra outputs (training/weights.py), and
while training this callback adds to the loss how far those outputs drift from the original network's on
the same augmented batch (a distillation term: KL divergence of temperature-softened probabilities).
Everything else (the loss, the metrics, interpretation) sees only the snake classes' logits.
"""

import copy

import torch
import torch.nn.functional as F
from torch import nn

from model.compat import ensure_torchvision_importable

ensure_torchvision_importable()

from fastai.callback.core import Callback  # noqa: E402

TEMPERATURE = 2.0
WEIGHT = 1.0


class KeepImageNetKnowledge(Callback):
    """Splits the network's output into snake logits (for fastai) and ImageNet logits (distilled)."""

    order = -10  # before metrics and recorder read the prediction

    def __init__(
        self, teacher: nn.Module, classes: int, weight: float = WEIGHT, temperature: float = TEMPERATURE
    ):
        self.teacher = copy.deepcopy(teacher).eval().requires_grad_(False)
        self.classes, self.weight, self.temperature = classes, weight, temperature
        self.teacher_logits: torch.Tensor | None = None

    def before_batch(self) -> None:
        self.teacher_logits = None
        if self.training and self.weight:
            with torch.no_grad():
                self.teacher_logits = self.teacher(*self.xb)

    def after_pred(self) -> None:
        self.imagenet_logits = self.pred[:, self.classes :]
        self.learn.pred = self.pred[:, : self.classes]

    def after_loss(self) -> None:
        if self.teacher_logits is None:
            return
        self.learn.loss_grad = self.loss_grad + self.weight * distillation_loss(
            self.imagenet_logits, self.teacher_logits, self.temperature
        )
        self.learn.loss = self.loss_grad.detach().clone()


def distillation_loss(student: torch.Tensor, teacher: torch.Tensor, temperature: float) -> torch.Tensor:
    """KL(teacher || student) on probabilities softened by `temperature`, scaled by its square (Hinton)."""
    return F.kl_div(
        F.log_softmax(student / temperature, dim=1),
        F.log_softmax(teacher / temperature, dim=1),
        log_target=True,
        reduction="batchmean",
    ) * (temperature**2)
