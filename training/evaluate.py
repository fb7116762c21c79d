"""Measure a shipped model on folders of labelled photos, exactly as users get it: bytes in, verdict out.

    python -m training.evaluate DATA_DIR... [--model PATH] [--split sources|grouped] [--metrics FILE]

Each DATA_DIR holds one folder per class. Without `--split` every photo counts (a folder the model never
trained on). With `--split`, the photos training kept back (training/split.py), reported side by side:
`validation` (seen sources) and `held_out` (sources never trained on), and per source. Each side's
photos are also shrunk into its no-snake photos (training/scenes.py): is a snake further off still found?
"""

import argparse
import random
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from model import CLASSES, DEFAULT_MODEL_PATH, LABELS, load_classifier
from model.classifier import Classifier
from model.policy import Policy
from training.boxes import by_box_size, format_box_sizes
from training.data import class_photos, split_of
from training.places import format_places, place_report
from training.predictions import SNAKES, Prediction, percent, share, summarise
from training.reports import save_json
from training.scenes import SCENE_SCALE, shrunk_into
from training.sources import source_of
from training.split import SCHEMES


def evaluation_sets(data_dirs: list[Path], split: str | None) -> dict[str, list[Path]]:
    """The photos to measure, by side: every photo, or what `split` kept out of training."""
    if split is None:
        return {"all": class_photos(data_dirs)}
    sides = split_of(data_dirs, split)
    return {"validation": sides.validation, **({"held_out": sides.held_out} if sides.held_out else {})}


def classify_photos(classifier: Classifier, photos: list[Path]) -> list[Prediction]:
    """Classify each photo from its file bytes, as the bot would."""
    return [Prediction(photo, photo.parent.name, classifier.classify(photo.read_bytes())) for photo in photos]


def scene_predictions(classifier: Classifier, photos: list[Path], seed: int = 0) -> list[Prediction]:
    """Each of `photos` shrunk into another no-snake photo among them (training/scenes.py), classified:
    is a snake a few steps further off still a snake? Each keeps its own photo's truth."""
    scenes = [photo for photo in photos if photo.parent.name == "no_snake"]
    if len(scenes) < 2:
        return []
    rng = random.Random(seed)
    predictions = []
    for photo in photos:
        scene = rng.choice([candidate for candidate in scenes if candidate != photo])
        verdict = classifier.classify(shrunk_into(photo, scene, rng))
        predictions.append(Prediction(photo, photo.parent.name, verdict))
    return predictions


def by_source(predictions: list[Prediction]) -> dict[str, dict]:
    """Per source (file-name prefix): photos, dangerous misses, uncertain, no_snake kept, coral vs mimic."""
    sources = sorted({source_of(p.photo) for p in predictions})
    table = {}
    for source in sources:
        summary = summarise([p for p in predictions if source_of(p.photo) == source])
        table[source] = {name: summary[name] for name in SOURCE_COLUMNS}
    return table


SCENE_COLUMNS = (
    "photos_per_class",
    "accuracy",
    "final_labels",
    "dangerous_misses",
    "uncertain_share_of_snake_photos",
    "no_snake_kept",
)
"""What the report keeps of the photos shrunk into scenes."""
SOURCE_COLUMNS = (
    "photos_per_class",
    "accuracy",
    "dangerous_misses",
    "uncertain_share_of_snake_photos",
    "no_snake_kept",
    "coral_vs_kingsnake_accuracy",
)


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
        f"no_snake photos labelled no_snake: {percent(summary['no_snake_kept'])}",
    ]
    return "\n".join(lines)


SOURCE_HEADINGS = (
    "source",
    "photos",
    "accuracy",
    "dangerous misses",
    "snake photos uncertain",
    "no_snake kept",
    "coral vs mimic",
)


def source_cells(source: str, row: dict) -> list[str]:
    """One source's measures as text, in the order of `SOURCE_HEADINGS`."""
    return [
        source,
        str(sum(row["photos_per_class"].values())),
        percent(row["accuracy"]),
        str(row["dangerous_misses"]),
        percent(row["uncertain_share_of_snake_photos"]),
        percent(row["no_snake_kept"]),
        percent(row["coral_vs_kingsnake_accuracy"]),
    ]


def format_sources(table: dict[str, dict]) -> str:
    """One line per source: the measures that matter on photos from there."""
    widths = [len(heading) for heading in SOURCE_HEADINGS]
    lines = [SOURCE_HEADINGS, *(source_cells(source, row) for source, row in table.items())]
    return "\n".join(
        "  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True)) for line in lines
    )


def _table(counts: dict[str, dict[str, int]], columns: tuple[str, ...]) -> list[str]:
    width = max(len(name) for name in (*CLASSES, *columns)) + 1
    header = " " * width + "".join(name.rjust(width) for name in columns)
    rows = [
        truth.ljust(width) + "".join(str(row[name]).rjust(width) for name in columns)
        for truth, row in counts.items()
    ]
    return [header, *rows]


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dirs", type=Path, nargs="+", help="folders with a folder per class")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument(
        "--split", choices=SCHEMES, help="only the photos this split kept out of training, side by side"
    )
    parser.add_argument("--metrics", type=Path, help="also write the numbers to this JSON file")
    return parser.parse_args(argv)


def evaluate_model(model_path: Path, data_dirs: list[Path], split: str | None = None) -> dict:
    """Classify the photos of `data_dirs` with the model at `model_path`; print and return the summaries."""
    classifier = load_classifier(model_path)
    photos = evaluation_sets(data_dirs, split)
    sides, scenes = classify_sides(classifier, photos), classify_scenes(classifier, photos)
    return report_on(model_path.name, classifier.policy, split, sides, scenes)


def classify_sides(classifier: Classifier, sides: dict[str, list[Path]]) -> dict[str, list[Prediction]]:
    """Each side's photos classified, with the time it took printed."""
    return _timed(classify_photos, classifier, sides, "photos")


def classify_scenes(classifier: Classifier, sides: dict[str, list[Path]]) -> dict[str, list[Prediction]]:
    """Each side's photos shrunk into its no-snake photos and classified, with the time it took printed."""
    return _timed(scene_predictions, classifier, sides, "photos shrunk into scenes")


def _timed(
    classify: Callable[[Classifier, list[Path]], list[Prediction]],
    classifier: Classifier,
    sides: dict[str, list[Path]],
    what: str,
) -> dict[str, list[Prediction]]:
    predictions = {}
    for side, photos in sides.items():
        started = time.monotonic()
        predictions[side] = classify(classifier, photos)
        print(f"{side}: {len(photos)} {what} classified in {time.monotonic() - started:.1f} s")
    return predictions


def report_on(
    model: str,
    policy: Policy,
    split: str | None,
    sides: dict[str, list[Prediction]],
    scenes: dict[str, list[Prediction]],
) -> dict:
    """The summaries of each side's predictions and of its photos shrunk into scenes, printed and returned
    (what `--metrics` writes), and what the photos from each group of places get answered for their place."""
    report: dict = {"model": model, "thresholds": asdict(policy.strict), "split": split}
    for side, predictions in sides.items():
        print(f"\n== {side}: {len(predictions)} photos")
        report[side] = {**summarise(predictions), "by_source": by_source(predictions)}
        print(format_summary(report[side]))
        print(format_sources(report[side]["by_source"]))
        if scenes[side]:
            report[side]["scenes"] = scene_summary(scenes[side])
            print(format_scenes(report[side]["scenes"]))
        sizes = by_box_size(predictions)
        if any(row["photos"] for row in sizes.values()):
            report[side]["box_sizes"] = sizes
            print(format_box_sizes(sizes))
    report["places"] = place_report(sides, policy)
    print(format_places(report["places"]))
    return report


def scene_summary(predictions: list[Prediction]) -> dict:
    summary = summarise(predictions)
    return {"scale": SCENE_SCALE, **{name: summary[name] for name in SCENE_COLUMNS}}


def format_scenes(summary: dict) -> str:
    """One line: what became of the photos shrunk into scenes."""
    return (
        f"shrunk to {percent(summary['scale'])} of a no-snake photo's side: snake photos called no_snake "
        f"{percent(snakes_called_no_snake(summary))}, dangerous misses {summary['dangerous_misses']}, "
        f"snake photos uncertain {percent(summary['uncertain_share_of_snake_photos'])}; no-snake photos "
        f"in no-snake photos called no_snake {percent(summary['no_snake_kept'])}"
    )


def snakes_called_no_snake(summary: dict) -> float | None:
    """The share of snake photos (of any kind) that the safety policy labelled no_snake."""
    called = sum(summary["final_labels"][name]["no_snake"] for name in SNAKES)
    return share(called, sum(summary["photos_per_class"][name] for name in SNAKES))


def main(argv: list[str] | None = None) -> None:
    args = parse_arguments(argv)
    summary = evaluate_model(args.model, args.data_dirs, args.split)
    if args.metrics:
        save_json(summary, args.metrics)


if __name__ == "__main__":
    main()
