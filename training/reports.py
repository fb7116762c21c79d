"""What a reviewer reads beside the model: lr_find, training curves, confusion matrix, top losses."""

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display

import matplotlib.pyplot as plt

from model.compat import ensure_torchvision_importable

ensure_torchvision_importable()

from fastai.interpret import ClassificationInterpretation  # noqa: E402
from fastai.learner import Learner  # noqa: E402

DEFAULT_REPORTS_DIR = Path(__file__).parents[1] / "model" / "reports"


def save_lr_find_plot(learner: Learner, path: Path, title: str) -> None:
    """The loss against learning rate of the `lr_find` that just ran."""
    learner.recorder.plot_lr_find()
    plt.title(title)
    _save_current_figure(path)


def save_training_curves(history: list[dict[str, float]], path: Path) -> None:
    """Train and validation loss and validation accuracy per epoch, frozen and unfrozen stages together."""
    epochs = range(1, len(history) + 1)
    _, (losses, accuracy) = plt.subplots(1, 2, figsize=(10, 4))
    losses.plot(epochs, [row["train_loss"] for row in history], label="train loss")
    losses.plot(epochs, [row["valid_loss"] for row in history], label="validation loss")
    losses.set_xlabel("epoch")
    losses.legend()
    accuracy.plot(epochs, [row["accuracy"] for row in history], label="validation accuracy")
    accuracy.set_xlabel("epoch")
    accuracy.legend()
    _save_current_figure(path)


def save_interpretation(learner: Learner, folder: Path) -> None:
    """The confusion matrix and the validation photos the network got most wrong."""
    interpretation = ClassificationInterpretation.from_learner(learner)
    interpretation.plot_confusion_matrix(figsize=(6, 6))
    _save_current_figure(folder / "confusion_matrix.png")
    interpretation.plot_top_losses(min(9, len(interpretation.losses)), figsize=(12, 12))
    _save_current_figure(folder / "top_losses.png")


def save_json(data: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")


def _save_current_figure(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    plt.savefig(path, dpi=80, bbox_inches="tight")
    plt.close("all")
