"""`python -m training.evaluate` on a folder of generated pictures with the tiny learner."""

import json
from dataclasses import asdict
from pathlib import Path

import pytest

from model import CLASSES, Thresholds
from model.classifier import thresholds_path_for
from model.policy import Policy
from tests.training.conftest import write_scenes_folder
from training.evaluate import main
from training.sources import source_of
from training.thresholds import main as choose


@pytest.fixture
def tiny_model_with_thresholds(tiny_model_path: Path, tmp_path: Path) -> Path:
    """A copy of the tiny learner with strict thresholds beside it (the session's copy stays untouched)."""
    model_path = tmp_path / "tiny.pkl"
    model_path.write_bytes(tiny_model_path.read_bytes())
    Policy(Thresholds(kingsnake=0.999, no_snake=0.5)).save(thresholds_path_for(model_path))
    return model_path


def test_prints_and_saves_the_numbers(
    tiny_model_with_thresholds: Path, tiny_model_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    photos = tiny_model_path.parent / "data"  # the drawings the tiny learner was trained on
    metrics_file = tmp_path / "metrics.json"
    main([str(photos), "--model", str(tiny_model_with_thresholds), "--metrics", str(metrics_file)])
    printed = capsys.readouterr().out
    for line in ("accuracy", "recall", "coral vs kingsnake accuracy", "confusion", "dangerous misses"):
        assert line in printed
    report = json.loads(metrics_file.read_text())
    assert report["thresholds"] == {"kingsnake": 0.999, "no_snake": 0.5, "snake_evidence": 1.0}
    metrics = report["all"]
    assert metrics["photos"] == 64
    assert metrics["accuracy"] > 0.9
    assert sum(sum(row.values()) for row in metrics["confusion"].values()) == 64
    assert set(metrics["recall"]) == set(CLASSES)
    assert metrics["final_labels"]["kingsnake"]["uncertain"] > 0  # the strict threshold holds kingsnakes back
    assert metrics["dangerous_misses"] == 0


def test_validation_split_evaluates_a_fifth(
    tiny_model_path: Path, photo_folder: Path, capsys: pytest.CaptureFixture
) -> None:
    main([str(photo_folder), "--model", str(tiny_model_path), "--split", "grouped"])
    assert "== validation: 8 photos" in capsys.readouterr().out  # 2 of the 10 pictures in each class


def test_rechoosing_thresholds_updates_the_report_and_keeps_the_recipe(
    tiny_model_with_thresholds: Path, photo_folder: Path, tmp_path: Path
) -> None:
    metrics_file = tmp_path / "metrics.json"
    metrics_file.write_text(json.dumps({"training": {"epochs": 3}}))
    model = str(tiny_model_with_thresholds)
    choose([str(photo_folder), "--model", model, "--split", "grouped", "--metrics", str(metrics_file)])
    report = json.loads(metrics_file.read_text())
    chosen = Thresholds.load(thresholds_path_for(tiny_model_with_thresholds))
    assert chosen != Thresholds(kingsnake=0.999, no_snake=0.5)  # re-chosen and saved beside the model
    assert report["training"] == {"epochs": 3}
    assert report["thresholds"] == asdict(chosen)
    assert report["validation"]["photos"] == 8 and report["validation"]["dangerous_misses"] == 0
    assert set(report["thresholds_check"]) == {source_of(photo) for photo in photo_folder.glob("*/*.jpg")}


def test_thresholds_are_chosen_with_the_kept_back_scenes_and_report_them_by_box_size(
    tiny_model_with_thresholds: Path, photo_folder: Path, tmp_path: Path
) -> None:
    """The second folder's kept-back snake scenes are among the photos the thresholds must protect."""
    scenes = write_scenes_folder(tmp_path / "scenes")
    metrics_file = tmp_path / "metrics.json"
    model = str(tiny_model_with_thresholds)
    choose([str(photo_folder), str(scenes), "--model", model, "--metrics", str(metrics_file)])
    report = json.loads(metrics_file.read_text())
    scenes_kept_back = [report[side]["by_source"].get("scene") for side in ("validation", "held_out")]
    scenes_kept_back = [row for row in scenes_kept_back if row]
    assert sum(row["photos_per_class"]["other_snake"] for row in scenes_kept_back) >= 2
    assert all(row["dangerous_misses"] == 0 for row in scenes_kept_back)
    assert report["held_out"]["box_sizes"]["under 5%"]["photos"] == 2  # a quarter of 6; each box 4%
    assert {"scene", "cable"} <= set(report["thresholds_check"])
