"""One short run through the real training code: the exported learner must load without `training`."""

import json
import subprocess
import sys
from pathlib import Path

from training.train import main

LOAD_IN_A_FRESH_PROCESS = """
import sys
from model import load_classifier
verdict = load_classifier(sys.argv[1]).classify(open(sys.argv[2], "rb").read())
assert not [name for name in sys.modules if name.split(".")[0] == "training"], "training was imported"
print(verdict.label)
"""


def test_trains_exports_and_reports(photo_folder: Path, tmp_path: Path) -> None:
    model_path, reports = tmp_path / "snakes.pkl", tmp_path / "reports"
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
    ]
    main([str(photo_folder), *arguments, "--output", str(model_path), "--reports", str(reports)])

    assert model_path.stat().st_size < 25_000_000
    policy = json.loads(model_path.with_suffix(".policy.json").read_text())
    assert set(policy) == {"kingsnake", "no_snake", "snake_evidence"}
    for report in (
        "lr_find_frozen.png",
        "lr_find_unfrozen.png",
        "training_curves.png",
        "confusion_matrix.png",
    ):
        assert (reports / report).stat().st_size > 0
    metrics = json.loads((reports / "metrics.json").read_text())
    assert metrics["validation"]["photos"] == 8
    assert len(metrics["training"]["history"]) == 2
    assert metrics["training"]["balance"] == 0.5

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
