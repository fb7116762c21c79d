"""The shipped model on the real data set says what its card says, and never makes a dangerous miss.

The data set in ../shared changes (photos are added); the committed model and its card change with it.
So these tests hold the model to its own card (model/reports/metrics.json, from which model/MODEL.md is
rendered) rather than to fixed targets, plus the floor that holds whatever the data: no dangerous miss
under its own thresholds on the photos they were chosen on. Skips where the data or the model is absent.
"""

import json
from pathlib import Path

import pytest

from model import DEFAULT_MODEL_PATH, load_classifier
from training.evaluate import classify_photos, labelled_photos, summarise

MAX_MODEL_BYTES = 25_000_000
CARD_METRICS = DEFAULT_MODEL_PATH.parent / "reports" / "metrics.json"


@pytest.fixture(scope="module")
def validation_summary(data_dir: Path) -> dict:
    if not DEFAULT_MODEL_PATH.is_file():
        pytest.skip(f"no shipped model at {DEFAULT_MODEL_PATH}")
    classifier = load_classifier(DEFAULT_MODEL_PATH)
    return summarise(classify_photos(classifier, labelled_photos(data_dir, validation_only=True)))


@pytest.fixture(scope="module")
def card() -> dict:
    return json.loads(CARD_METRICS.read_text())


def test_model_file_is_small_enough() -> None:
    if not DEFAULT_MODEL_PATH.is_file():
        pytest.skip(f"no shipped model at {DEFAULT_MODEL_PATH}")
    assert DEFAULT_MODEL_PATH.stat().st_size <= MAX_MODEL_BYTES


def test_no_dangerous_miss_where_the_thresholds_were_chosen(validation_summary: dict) -> None:
    assert validation_summary["dangerous_misses"] == 0


def test_the_card_reports_what_the_model_does_on_this_data(validation_summary: dict, card: dict) -> None:
    for measure in ("photos_per_class", "confusion", "final_labels"):
        assert validation_summary[measure] == card[measure], f"{measure}: regenerate the card"
