"""The shipped model on the real data set says what its card says, and never makes a dangerous miss.

The data set in ../shared changes (photos are added); the committed model and its card change with it.
The model trains on two folders (the data set and the snake scenes): the kept-back photos are those of
the split of both, as the card names them.
So these tests hold the model to its own card (model/reports/metrics.json, from which model/MODEL.md is
rendered) rather than to fixed targets, plus the floor that holds whatever the data: no dangerous miss
under its own thresholds on the photos they were chosen on. Skips where the data or the model is absent.
"""

import json
from pathlib import Path

import pytest

from model import DEFAULT_MODEL_PATH, Classifier, load_classifier
from training.boxes import by_box_size
from training.evaluate import (
    Prediction,
    classify_photos,
    evaluation_sets,
    scene_predictions,
    snakes_called_no_snake,
    summarise,
)

MAX_MODEL_BYTES = 25_000_000
CARD_METRICS = DEFAULT_MODEL_PATH.parent / "reports" / "metrics.json"


@pytest.fixture(scope="module")
def card() -> dict:
    return json.loads(CARD_METRICS.read_text())


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    if not DEFAULT_MODEL_PATH.is_file():
        pytest.skip(f"no shipped model at {DEFAULT_MODEL_PATH}")
    return load_classifier(DEFAULT_MODEL_PATH)


@pytest.fixture(scope="module")
def data_dirs(data_dir: Path, card: dict) -> list[Path]:
    """The data folders the model was trained on, as its card names them (the data set, the scenes)."""
    folders = [data_dir.parent / name for name in card["training"].get("data_folders", [data_dir.name])]
    missing = [folder for folder in folders if not folder.is_dir()]
    if missing:
        pytest.skip(f"no data folder at {missing[0]}: the split would differ from the card's")
    return folders


@pytest.fixture(scope="module")
def kept_back(data_dirs: list[Path], card: dict) -> dict[str, list[Path]]:
    """Each side of the split the model was trained with (the split costs seconds: made once)."""
    return evaluation_sets(data_dirs, card["split"])


@pytest.fixture(scope="module")
def predictions(classifier: Classifier, kept_back: dict[str, list[Path]]) -> dict[str, list[Prediction]]:
    """Each side's photos classified from their bytes."""
    return {side: classify_photos(classifier, photos) for side, photos in kept_back.items()}


def test_model_file_is_small_enough() -> None:
    if not DEFAULT_MODEL_PATH.is_file():
        pytest.skip(f"no shipped model at {DEFAULT_MODEL_PATH}")
    assert DEFAULT_MODEL_PATH.stat().st_size <= MAX_MODEL_BYTES


def test_no_dangerous_miss_where_the_thresholds_were_chosen(predictions: dict[str, list[Prediction]]) -> None:
    for side_predictions in predictions.values():  # every photo training kept back
        assert summarise(side_predictions)["dangerous_misses"] == 0


def test_the_card_reports_what_the_model_does_on_this_data(
    predictions: dict[str, list[Prediction]], card: dict
) -> None:
    for side, side_predictions in predictions.items():
        summary = summarise(side_predictions)
        for measure in ("photos_per_class", "confusion", "final_labels"):
            assert summary[measure] == card[side][measure], f"{side} {measure}: regenerate the card"


def test_every_kept_back_boxed_snake_is_found_as_the_card_says(
    predictions: dict[str, list[Prediction]], card: dict
) -> None:
    """The snake scenes' kept-back photos, however small their snake: none is called "no snake"."""
    sizes = {side: by_box_size(side_predictions) for side, side_predictions in predictions.items()}
    boxed = {side: table for side, table in sizes.items() if any(row["photos"] for row in table.values())}
    if not boxed:
        pytest.skip("no kept-back photo has a box: the model was trained without the snake scenes")
    for side, table in boxed.items():
        assert table == card[side]["box_sizes"], f"{side}: regenerate the card"
        assert all(row["called_no_snake"] == 0 for row in table.values())


def test_the_card_reports_what_the_model_does_with_snakes_further_off(
    classifier: Classifier, kept_back: dict[str, list[Path]], card: dict
) -> None:
    """The photos shrunk into no-snake photos, as the card says to within a photo in a hundred (a verdict
    near a threshold may flip on another CPU's arithmetic)."""
    for side, photos in kept_back.items():
        summary, carded = summarise(scene_predictions(classifier, photos)), card[side]["scenes"]
        assert snakes_called_no_snake(summary) == pytest.approx(snakes_called_no_snake(carded), abs=0.01)
        assert summary["no_snake_kept"] == pytest.approx(carded["no_snake_kept"], abs=0.01)


def test_the_kept_imagenet_head_still_knows_imagenet_snakes(
    predictions: dict[str, list[Prediction]], classifier: Classifier
) -> None:
    """The data set's ImageNet photos it never trained on: every snake gets more of the head's snake
    probability than nine in ten other photos, and enough that the gate never lets it be "no snake"."""
    everything = [p for side in predictions.values() for p in side if p.photo.name.startswith("inet_")]
    if everything[0].verdict.snake_evidence is None:
        pytest.skip("the shipped network has no ImageNet head")
    snakes = [p.verdict.snake_evidence for p in everything if p.truth == "other_snake"]
    others = sorted(p.verdict.snake_evidence for p in everything if p.truth == "no_snake")
    assert snakes and min(snakes) > others[int(0.9 * len(others))]
    assert min(snakes) >= classifier.policy.strict.snake_evidence
