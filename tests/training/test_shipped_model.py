"""The shipped model on the validation split of the real data set: the targets it reached stay reached.

Skips where the data set or the model file is absent. Each assertion is a target the shipped model met
when it was trained (see model/MODEL.md); targets it missed are reported there, not asserted here.
"""

from pathlib import Path

import pytest

from model import DEFAULT_MODEL_PATH, load_classifier
from training.evaluate import classify_photos, labelled_photos, summarise

MAX_MODEL_BYTES = 25_000_000


@pytest.fixture(scope="module")
def validation_summary(data_dir: Path) -> dict:
    if not DEFAULT_MODEL_PATH.is_file():
        pytest.skip(f"no shipped model at {DEFAULT_MODEL_PATH}")
    classifier = load_classifier(DEFAULT_MODEL_PATH)
    return summarise(classify_photos(classifier, labelled_photos(data_dir, validation_only=True)))


def test_model_file_is_small_enough() -> None:
    if not DEFAULT_MODEL_PATH.is_file():
        pytest.skip(f"no shipped model at {DEFAULT_MODEL_PATH}")
    assert DEFAULT_MODEL_PATH.stat().st_size <= MAX_MODEL_BYTES


def test_no_dangerous_miss_and_few_uncertain(validation_summary: dict) -> None:
    assert validation_summary["dangerous_misses"] == 0
    assert validation_summary["uncertain_share_of_snake_photos"] < 0.10


def test_four_classes_at_least_95_percent(validation_summary: dict) -> None:
    assert validation_summary["accuracy"] >= 0.95


def test_no_snake_photos_ranked_no_snake_at_least_98_percent(validation_summary: dict) -> None:
    assert validation_summary["recall"]["no_snake"] >= 0.98


# Missed when this model was trained, so reported in model/MODEL.md instead of asserted:
# coral vs kingsnake >= 97%.
