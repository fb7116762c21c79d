"""What the classifier said about labelled photos, and the figures every report is made of."""

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from model import CLASSES, DANGEROUS_MISS_LABELS, LABELS, UNCERTAIN, Verdict

SNAKES = ("coral_snake", "kingsnake", "other_snake")
VENOMOUS_OR_UNKNOWN = ("coral_snake", "other_snake")
"""Photos that must never be called harmless or snake-free."""
SIDE_NAMES = {"validation": "grouped validation", "held_out": "held-out sources"}
"""The kept-back sides of a split (training/split.py) as the reports' tables name them."""


@dataclass(frozen=True)
class Prediction:
    """What the classifier said about one labelled photo."""

    photo: Path
    truth: str
    verdict: Verdict

    @property
    def is_dangerous_miss(self) -> bool:
        return self.truth in VENOMOUS_OR_UNKNOWN and self.verdict.label in DANGEROUS_MISS_LABELS


def summarise(predictions: list[Prediction]) -> dict:
    """Accuracy of the network's best guess, and what the safety policy makes of it."""
    guesses = Counter((p.truth, p.verdict.best_guess) for p in predictions)
    labels = Counter((p.truth, p.verdict.label) for p in predictions)
    totals = Counter(p.truth for p in predictions)
    snakes = [p for p in predictions if p.truth in SNAKES]
    return {
        "photos": len(predictions),
        "photos_per_class": {name: totals[name] for name in CLASSES},
        "accuracy": share(sum(guesses[name, name] for name in CLASSES), len(predictions)),
        "recall": {name: share(guesses[name, name], totals[name]) for name in CLASSES},
        "coral_vs_kingsnake_accuracy": coral_vs_kingsnake_accuracy(predictions),
        "confusion": {truth: {guess: guesses[truth, guess] for guess in CLASSES} for truth in CLASSES},
        "final_labels": {truth: {label: labels[truth, label] for label in LABELS} for truth in CLASSES},
        "final_label_accuracy": share(sum(labels[name, name] for name in CLASSES), len(predictions)),
        "dangerous_misses": sum(p.is_dangerous_miss for p in predictions),
        "uncertain_snake_photos": sum(p.verdict.label == UNCERTAIN for p in snakes),
        "uncertain_share_of_snake_photos": share(
            sum(p.verdict.label == UNCERTAIN for p in snakes), len(snakes)
        ),
        "no_snake_kept": share(labels["no_snake", "no_snake"], totals["no_snake"]),
    }


def coral_vs_kingsnake_accuracy(predictions: list[Prediction]) -> float | None:
    """The original two-class task: on coral and kingsnake photos, is the right one of the two more likely?"""
    pairs = [p for p in predictions if p.truth in ("coral_snake", "kingsnake")]
    correct = sum(
        max(("coral_snake", "kingsnake"), key=lambda name: p.verdict.probabilities[name]) == p.truth
        for p in pairs
    )
    return share(correct, len(pairs))


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"
