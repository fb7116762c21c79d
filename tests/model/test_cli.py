"""`python -m model` run as a user would, in a separate process."""

import json
import os
import subprocess
import sys
from pathlib import Path

from model import CLASSES, LABELS, Thresholds
from model.classifier import thresholds_path_for
from model.places import RHYME_HOLDS
from model.policy import Policy
from tests.tiny_model import draw_photo


def run_cli(*arguments: str, environment: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "model", *arguments],
        env={**os.environ, **(environment or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_json_lines_for_each_image(tiny_model_path: Path, tmp_path: Path) -> None:
    images = []
    for label in ("coral_snake", "no_snake"):
        images.append(tmp_path / f"{label}.jpg")
        draw_photo(label, seed=3).save(images[-1])
    result = run_cli("--json", "--model", str(tiny_model_path), *map(str, images))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["file"] for line in lines] == [str(image) for image in images]
    for line in lines:
        assert set(line) == {"file", "label", "confidence", "probabilities", "region", "rule"}
        assert line["region"] is None and line["rule"] == "strict"
        assert line["label"] in LABELS
        assert set(line["probabilities"]) == set(CLASSES)
        assert abs(sum(line["probabilities"].values()) - 1) < 1e-3
        assert 0 <= line["confidence"] <= 1
    assert lines[0]["label"] == "coral_snake"
    assert lines[1]["label"] == "no_snake"


def test_plain_lines_and_unreadable_files(tiny_model_path: Path, tmp_path: Path) -> None:
    photo, notes = tmp_path / "snake.png", tmp_path / "notes.txt"
    draw_photo("coral_snake", seed=4).save(photo)
    notes.write_text("not a photo")
    # Without docstrings, as the container runs Python (PYTHONOPTIMIZE=2 in the Dockerfile).
    result = run_cli(
        "--model", str(tiny_model_path), str(photo), str(notes), environment={"PYTHONOPTIMIZE": "2"}
    )
    assert result.returncode == 1
    assert result.stdout.startswith(f"{photo}: coral_snake (")
    assert f"{notes}: error: This file is not a picture I can read." in result.stderr


def test_missing_model_is_one_clear_line(tmp_path: Path) -> None:
    result = run_cli("--model", str(tmp_path / "absent.pkl"), str(tmp_path / "x.jpg"))
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: no model file at {tmp_path / 'absent.pkl'}"


def test_the_region_picks_its_thresholds(tiny_model_path: Path, tmp_path: Path) -> None:
    model = tmp_path / "tiny.pkl"
    model.write_bytes(tiny_model_path.read_bytes())
    strict = Thresholds(kingsnake=1.0, no_snake=0.5)  # nothing is ever called harmless without a place
    Policy(strict, {RHYME_HOLDS: Thresholds(kingsnake=0.3, no_snake=0.5)}).save(thresholds_path_for(model))
    photo = tmp_path / "mimic.png"
    draw_photo("kingsnake", seed=5).save(photo)
    answers = {}
    for region in ("us-tx", "BR", None):
        where = ["--region", region] if region else []
        result = run_cli("--json", "--model", str(model), *where, str(photo))
        assert result.returncode == 0, result.stderr
        answers[region] = json.loads(result.stdout)
    assert answers["us-tx"]["region"] == "US-TX" and answers["us-tx"]["rule"] == RHYME_HOLDS
    assert answers["us-tx"]["label"] == "kingsnake"
    assert answers["BR"]["label"] == answers[None]["label"] == "uncertain"
    assert answers["BR"]["rule"] == "strict"


def test_a_region_that_is_no_iso_code_is_refused(tiny_model_path: Path, tmp_path: Path) -> None:
    result = run_cli("--model", str(tiny_model_path), "--region", "Texas", str(tmp_path / "x.jpg"))
    assert result.returncode == 2
    assert "not an ISO 3166 code" in result.stderr
