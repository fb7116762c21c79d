"""One short run through the real training code: the exported learner must load without `training`."""

import json
import subprocess
import sys
from pathlib import Path

from PIL import Image

from model import load_classifier
from tests.training.conftest import write_scenes_folder
from training.data import split_of
from training.train import main

LOAD_IN_A_FRESH_PROCESS = """
import sys
from PIL import Image

from model import load_classifier
verdict = load_classifier(sys.argv[1]).classify(open(sys.argv[2], "rb").read())
assert not [name for name in sys.modules if name.split(".")[0] == "training"], "training was imported"
print(verdict.label)
"""


def test_trains_exports_and_reports(photo_folder: Path, tmp_path: Path) -> None:
    model_path, reports = tmp_path / "snakes.pkl", tmp_path / "reports"
    scenes = write_scenes_folder(tmp_path / "scenes")
    arguments = [
        "--size",
        "64",
        "--frozen-epochs",
        "1",
        "--epochs",
        "1",
        "--batch-size",
        "8",
        "--lr-find-steps",
        "8",
        "--balance",
        "0.5",
        "--epoch-photos",
        "16",
        "--scenes",
        "0.5",
    ]
    main([str(photo_folder), str(scenes), *arguments, "--output", str(model_path), "--reports", str(reports)])

    assert model_path.stat().st_size < 25_000_000
    policy = json.loads(model_path.with_suffix(".policy.json").read_text())
    assert set(policy) == {"kingsnake", "no_snake", "snake_evidence", "places"}
    assert set(policy["places"]) == {"rhyme_holds"}  # the group of places with its own threshold
    for report in (
        "lr_find_frozen.png",
        "lr_find_unfrozen.png",
        "training_curves.png",
        "confusion_matrix.png",
    ):
        assert (reports / report).stat().st_size > 0
    metrics = json.loads((reports / "metrics.json").read_text())
    assert metrics["training"]["data_folders"] == ["photos", "scenes"]
    assert metrics["training"]["box_crops"] == [1.5, 3.0]
    trained = split_of([photo_folder, scenes], "sources").training
    boxed = [photo for photo in trained if photo.name.startswith("scene_")]
    assert boxed and metrics["training"]["training_photos"] == len(trained) + 2 * len(boxed)  # two crops each
    assert len(metrics["training"]["history"]) == 2
    assert metrics["training"]["balance"] == 0.5
    assert metrics["training"]["scenes"] == 0.5  # pasting trains; the export below loads without it
    assert (
        sum(metrics["validation"]["scenes"]["photos_per_class"].values()) == metrics["validation"]["photos"]
    )

    photo = next(photo_folder.glob("coral_snake/*.jpg"))
    loaded = subprocess.run(
        [sys.executable, "-c", LOAD_IN_A_FRESH_PROCESS, str(model_path), str(photo)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=Path(__file__).parents[2],
    )
    assert loaded.returncode == 0, loaded.stderr


def test_training_continues_from_an_exported_learner_and_its_detector(
    photo_folder: Path, tmp_path: Path
) -> None:
    """The exported learner carries a detector row; continuing drops it and fits a new one."""

    def train_briefly(output: Path, *more: str) -> dict:
        reports = tmp_path / f"{output.stem}_reports"
        short = ["--size", "64", "--batch-size", "8", "--epoch-photos", "16", "--unfrozen-lr", "1e-3"]
        place = ["--output", str(output), "--reports", str(reports)]
        main([str(photo_folder), *short, "--frozen-epochs", "0", "--epochs", "1", *place, *more])
        return json.loads((reports / "metrics.json").read_text())["training"]

    first, second = tmp_path / "first.pkl", tmp_path / "second.pkl"
    train_briefly(first)
    assert train_briefly(second, "--start-from", str(first))["start_from"] == str(first)
    photo = Image.open(next(photo_folder.glob("no_snake/*.jpg"))).convert("RGB")
    assert load_classifier(second).scores(photo).detector_no_snake is not None
