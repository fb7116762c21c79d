"""`python -m training.feedback export`: answered photos into class folders, with their sources."""

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from feedback import FeedbackStore, migrate, open_engine, user_hash
from tests.tiny_model import photo_bytes
from training import feedback as feedback_export

USER = user_hash("secret", 555)


def jpeg(label: str, seed: int) -> bytes:
    return photo_bytes(label, seed=seed)


@pytest.fixture
def answered_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FeedbackStore:
    """A SQLite database with one answer of each kind, found through DATABASE_URL as the CLI finds it."""
    url = f"sqlite:///{tmp_path / 'feedback.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    engine = open_engine(url)
    migrate(engine)
    store = FeedbackStore(engine, clock=lambda: datetime(2026, 11, 20, tzinfo=UTC))
    answers = {
        "wrong-coral": ("kingsnake", jpeg("coral_snake", 1), "coral_snake"),
        "wrong-sky": ("other_snake", jpeg("no_snake", 2), "no_snake"),
        "right-king": ("kingsnake", jpeg("kingsnake", 3), "right"),
        "unsure": ("coral_snake", jpeg("coral_snake", 4), "not_sure"),
        "known": ("kingsnake", jpeg("kingsnake", 5), "other_snake"),
    }
    for classification_id, (label, photo, answer) in answers.items():
        store.save_classification(
            classification_id,
            source="telegram",
            user_hash=USER,
            label=label,
            best_guess=label,
            probabilities={label: 0.9},
            model_version="v1",
            picture=Image.open(io.BytesIO(photo)),
        )
        store.record_answer(classification_id, answer, USER)
    yield store
    engine.dispose()


@pytest.fixture
def existing_data_set(tmp_path: Path) -> Path:
    """A data set that already holds the photo answered as "known" (at another size)."""
    folder = tmp_path / "snakes" / "kingsnake"
    folder.mkdir(parents=True)
    with Image.open(io.BytesIO(jpeg("kingsnake", 5))) as photo:
        photo.resize((320, 240)).save(folder / "k1.png")
    return tmp_path / "snakes"


def exported_files(out_dir: Path) -> set[str]:
    return {str(path.relative_to(out_dir)) for path in out_dir.rglob("*.jpg")}


def test_export_writes_corrections_in_class_folders_with_their_sources(
    answered_database: FeedbackStore, existing_data_set: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    out_dir = tmp_path / "export"
    assert feedback_export.main(["export", str(out_dir), "--against", str(existing_data_set)]) == 0
    assert exported_files(out_dir) == {
        "coral_snake/feedback-wrong-coral.jpg",
        "no_snake/feedback-wrong-sky.jpg",
    }
    with (out_dir / "SOURCES.csv").open() as sources:
        rows = list(csv.DictReader(sources))
    assert rows[0] == {
        "file": "coral_snake/feedback-wrong-coral.jpg",
        "origin": "feedback:wrong-coral",
        "model_version": "v1",
        "model_label": "kingsnake",
        "user_answer": "coral_snake",
        "date": "2026-11-20",
    }
    with Image.open(io.BytesIO((out_dir / rows[0]["file"]).read_bytes())) as photo:
        assert photo.format == "JPEG"
    printed = capsys.readouterr().out
    assert "exported 2 photos" in printed
    assert "left out: near-duplicate: 1" in printed and "left out: not_sure: 1" in printed
    assert "left out: right: 1" in printed


def test_export_with_right_answers_and_a_date(answered_database: FeedbackStore, tmp_path: Path) -> None:
    out_dir = tmp_path / "with-right"
    feedback_export.main(["export", str(out_dir), "--include-right"])
    assert "kingsnake/feedback-right-king.jpg" in exported_files(out_dir)
    later = tmp_path / "later"
    feedback_export.main(["export", str(later), "--since", "2026-11-21"])
    assert exported_files(later) == set()
