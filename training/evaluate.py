"""Measure a shipped model on a folder of labelled photos, exactly as users get it: bytes in, verdict out.

    python -m training.evaluate DATA_DIR [--model PATH] [--validation-split] [--metrics FILE]

DATA_DIR holds one folder per class. `--validation-split` keeps only the photos training validated on
(the same grouped split), the honest choice for the training data itself.
"""

import argparse
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from model import (
    CLASSES,
    DANGEROUS_MISS_LABELS,
    DEFAULT_MODEL_PATH,
    LABELS,
    UNCERTAIN,
    Verdict,
    load_classifier,
)
from model.classifier import Classifier
from model.compat import ensure_torchvision_importable
from training.reports import save_json
from training.split import validation_photos

ensure_torchvision_importable()

from fastai.data.transforms import get_image_files  # noqa: E402

SNAKES = ("coral_snake", "kingsnake", "other_snake")
VENOMOUS_OR_UNKNOWN = ("coral_snake", "other_snake")
"""Photos that must never be called harmless or snake-free."""


@dataclass(frozen=True)
class Prediction:
    """What the classifier said about one labelled photo."""

    photo: Path
    truth: str
    verdict: Verdict

    @property
    def is_dangerous_miss(self) -> bool:
        return self.truth in VENOMOUS_OR_UNKNOWN and self.verdict.label in DANGEROUS_MISS_LABELS


def labelled_photos(data_dir: Path, validation_only: bool = False) -> list[Path]:
    """The photos under `data_dir`'s class folders; with `validation_only`, training's validation split."""
    photos = get_image_files(data_dir)
    if validation_only:
        chosen = validation_photos(photos)
        photos = [photo for photo in photos if photo in chosen]
    return [photo for photo in photos if photo.parent.name in CLASSES]


def classify_photos(classifier: Classifier, photos: list[Path]) -> list[Prediction]:
    """Classify each photo from its file bytes, as the bot would."""
    return [Prediction(photo, photo.parent.name, classifier.classify(photo.read_bytes())) for photo in photos]


def summarise(predictions: list[Prediction]) -> dict:
    """Accuracy of the network's best guess, and what the safety policy makes of it."""
    guesses = Counter((p.truth, p.verdict.best_guess) for p in predictions)
    labels = Counter((p.truth, p.verdict.label) for p in predictions)
    totals = Counter(p.truth for p in predictions)
    snakes = [p for p in predictions if p.truth in SNAKES]
    return {
        "photos": len(predictions),
        "photos_per_class": {name: totals[name] for name in CLASSES},
        "accuracy": _share(sum(guesses[name, name] for name in CLASSES), len(predictions)),
        "recall": {name: _share(guesses[name, name], totals[name]) for name in CLASSES},
        "coral_vs_kingsnake_accuracy": coral_vs_kingsnake_accuracy(predictions),
        "confusion": {truth: {guess: guesses[truth, guess] for guess in CLASSES} for truth in CLASSES},
        "final_labels": {truth: {label: labels[truth, label] for label in LABELS} for truth in CLASSES},
        "final_label_accuracy": _share(sum(labels[name, name] for name in CLASSES), len(predictions)),
        "dangerous_misses": sum(p.is_dangerous_miss for p in predictions),
        "uncertain_snake_photos": sum(p.verdict.label == UNCERTAIN for p in snakes),
        "uncertain_share_of_snake_photos": _share(
            sum(p.verdict.label == UNCERTAIN for p in snakes), len(snakes)
        ),
    }


def coral_vs_kingsnake_accuracy(predictions: list[Prediction]) -> float | None:
    """The original two-class task: on coral and kingsnake photos, is the right one of the two more likely?"""
    pairs = [p for p in predictions if p.truth in ("coral_snake", "kingsnake")]
    correct = sum(
        max(("coral_snake", "kingsnake"), key=lambda name: p.verdict.probabilities[name]) == p.truth
        for p in pairs
    )
    return _share(correct, len(pairs))


def format_summary(summary: dict) -> str:
    """The summary as a few lines and two tables a person can read in a terminal."""
    lines = [
        f"photos: {summary['photos']}",
        f"accuracy (network's best guess): {percent(summary['accuracy'])}",
        "recall: " + ", ".join(f"{name} {percent(value)}" for name, value in summary["recall"].items()),
        f"coral vs kingsnake accuracy: {percent(summary['coral_vs_kingsnake_accuracy'])}",
        "",
        "confusion (rows: truth, columns: best guess)",
        *_table(summary["confusion"], CLASSES),
        "",
        "final labels under the safety policy",
        *_table(summary["final_labels"], LABELS),
        "",
        f"dangerous misses (coral or other snake said kingsnake or no_snake): {summary['dangerous_misses']}",
        f"snake photos labelled uncertain: {summary['uncertain_snake_photos']}"
        f" ({percent(summary['uncertain_share_of_snake_photos'])})",
    ]
    return "\n".join(lines)


def _table(counts: dict[str, dict[str, int]], columns: tuple[str, ...]) -> list[str]:
    width = max(len(name) for name in (*CLASSES, *columns)) + 1
    header = " " * width + "".join(name.rjust(width) for name in columns)
    rows = [
        truth.ljust(width) + "".join(str(row[name]).rjust(width) for name in columns)
        for truth, row in counts.items()
    ]
    return [header, *rows]


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path, help="a folder per class, as in the training data")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--validation-split", action="store_true", help="only training's validation photos")
    parser.add_argument("--metrics", type=Path, help="also write the numbers to this JSON file")
    return parser.parse_args(argv)


def evaluate_model(model_path: Path, data_dir: Path, validation_only: bool = False) -> dict:
    """Classify the photos of `data_dir` with the model at `model_path`; print and return the summary."""
    classifier = load_classifier(model_path)
    photos = labelled_photos(data_dir, validation_only)
    started = time.monotonic()
    summary = summarise(classify_photos(classifier, photos))
    print(f"classified {len(photos)} photos in {time.monotonic() - started:.1f} s with {model_path}")
    print(format_summary(summary))
    return {"model": model_path.name, "thresholds": asdict(classifier.thresholds), **summary}


def main(argv: list[str] | None = None) -> None:
    args = parse_arguments(argv)
    summary = evaluate_model(args.model, args.data_dir, args.validation_split)
    if args.metrics:
        save_json(summary, args.metrics)


if __name__ == "__main__":
    main()
