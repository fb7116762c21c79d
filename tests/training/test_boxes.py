"""Boxes around the snake, from a data folder's SOURCES.csv, and the report of how small a snake is missed."""

from pathlib import Path

import pytest

from model import Thresholds, decide
from training.boxes import area, boxes_of, by_box_size, format_box_sizes, size_of
from training.predictions import Prediction

SOURCES = """file,class,origin,boxes
other_snake/scene_small.jpg,other_snake,web,"[[0.1, 0.1, 0.2, 0.3]]"
other_snake/scene_two.jpg,other_snake,web,"[[0.0, 0.0, 0.1, 0.1], [0.5, 0.5, 0.9, 0.9]]"
no_snake/cable_1.jpg,no_snake,github,
"""


def folder(tmp_path: Path) -> Path:
    (tmp_path / "scenes").mkdir()
    (tmp_path / "scenes" / "SOURCES.csv").write_text(SOURCES)
    return tmp_path / "scenes"


def answered(photo: Path, truth: str, label: str) -> Prediction:
    scores = {name: 0.0 for name in ("coral_snake", "kingsnake", "other_snake", "no_snake")}
    scores[label] = 1.0
    return Prediction(photo, truth, decide(scores, Thresholds(kingsnake=0.5, no_snake=0.5)))


def test_boxes_are_read_from_the_folders_sources(tmp_path: Path) -> None:
    scenes = folder(tmp_path)
    assert boxes_of(scenes / "other_snake" / "scene_small.jpg") == [(0.1, 0.1, 0.2, 0.3)]
    assert len(boxes_of(scenes / "other_snake" / "scene_two.jpg")) == 2
    assert boxes_of(scenes / "no_snake" / "cable_1.jpg") == []
    assert boxes_of(tmp_path / "elsewhere" / "other_snake" / "x.jpg") == []  # no SOURCES.csv: no boxes


def test_the_largest_box_sets_the_size() -> None:
    assert area((0.1, 0.1, 0.2, 0.3)) == pytest.approx(0.02)
    assert size_of([(0.1, 0.1, 0.2, 0.3)]) == "under 5%"
    assert size_of([(0.0, 0.0, 0.1, 0.1), (0.5, 0.5, 0.9, 0.9)]) == "10-25%"
    assert size_of([(0.0, 0.0, 1.0, 1.0)]) == "over 25%"
    assert size_of([]) is None


def test_snake_photos_called_no_snake_are_counted_by_size(tmp_path: Path) -> None:
    scenes = folder(tmp_path)
    report = by_box_size(
        [
            answered(scenes / "other_snake" / "scene_small.jpg", "other_snake", "no_snake"),
            answered(scenes / "other_snake" / "scene_two.jpg", "other_snake", "other_snake"),
            answered(scenes / "no_snake" / "cable_1.jpg", "no_snake", "no_snake"),  # not a snake photo
        ]
    )
    assert report["under 5%"] == {"photos": 1, "called_no_snake": 1, "share": 1.0}
    assert report["10-25%"] == {"photos": 1, "called_no_snake": 0, "share": 0.0}
    assert report["5-10%"]["photos"] == report["over 25%"]["photos"] == 0
    assert "under 5%: 1 of 1" in format_box_sizes(report)
