"""Users' answers as training data: `python -m training.feedback export OUT_DIR [--since DATE]`.

Writes each answered photo into the folder of the class the user said it shows (coral_snake/, kingsnake/,
other_snake/, no_snake/; "not sure" is left out), with SOURCES.csv saying where each came from. Photos
that nearly duplicate one in an existing data set (`--against`, the harvester's perceptual hash) or an
earlier one in the export are dropped. "Right" answers only confirm what the model already knows, so
they are exported only with `--include-right`. The database is the bot's: DATABASE_URL, else the SQLite
file in DATA_DIR (default ./data).
"""

import argparse
import csv
import io
import os
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image

from feedback import FeedbackStore, database_url_from, migrate, open_engine
from feedback.store import AnsweredPhoto
from model import CLASSES
from training.fingerprints import content_hash, perceptual_hash
from training.harvest.photos import DuplicateIndex, PreparedPhoto

SOURCES_FILE = "SOURCES.csv"
SOURCES_COLUMNS = ("file", "origin", "model_version", "model_label", "user_answer", "date")


def class_for(photo: AnsweredPhoto, include_right: bool) -> str | None:
    """The class folder an answer puts its photo in, or None when it teaches nothing usable."""
    if photo.answer == "right":
        return photo.label if include_right and photo.label in CLASSES else None
    return photo.answer if photo.answer in CLASSES else None


def export(
    store: FeedbackStore, out_dir: Path, since: datetime | None, include_right: bool, against: list[Path]
) -> Counter[str]:
    """Write the photos and SOURCES.csv; returns how many went where (classes) or why not (left out)."""
    known = DuplicateIndex()
    for folder in against:
        known.add_folder(folder)
    counts: Counter[str] = Counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / SOURCES_FILE).open("w", newline="") as sources_file:
        sources = csv.writer(sources_file)
        sources.writerow(SOURCES_COLUMNS)
        for photo in store.answered_photos(since):
            label = class_for(photo, include_right)
            fingerprinted = _fingerprint(photo.photo)
            if label is None:
                counts[f"left out: {photo.answer}"] += 1
            elif known.is_duplicate(fingerprinted):
                counts["left out: near-duplicate"] += 1
            else:
                known.add(fingerprinted)
                name = f"{label}/feedback-{photo.id}.jpg"
                (out_dir / label).mkdir(exist_ok=True)
                (out_dir / name).write_bytes(photo.photo)
                date = photo.answered_at.date().isoformat()
                sources.writerow(
                    [name, f"feedback:{photo.id}", photo.model_version, photo.label, photo.answer, date]
                )
                counts[label] += 1
    return counts


def _fingerprint(jpeg: bytes) -> PreparedPhoto:
    with Image.open(io.BytesIO(jpeg)) as image:
        return PreparedPhoto(jpeg, content_hash(jpeg), perceptual_hash(image))


def summary(counts: Counter[str], out_dir: Path) -> str:
    exported = sum(counts[label] for label in CLASSES)
    lines = [f"exported {exported} photos to {out_dir}"]
    lines += [f"  {label}: {counts[label]}" for label in CLASSES]
    lines += [
        f"  {reason}: {count}" for reason, count in sorted(counts.items()) if reason.startswith("left out")
    ]
    return "\n".join(lines)


def _date(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m training.feedback", description="Users' answers as training data."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    exporting = commands.add_parser("export", help="write answered photos in the class-folder layout")
    exporting.add_argument("out_dir", type=Path)
    exporting.add_argument("--since", type=_date, help="only answers from this date on (YYYY-MM-DD)")
    exporting.add_argument("--include-right", action="store_true", help="also photos the model got right")
    exporting.add_argument(
        "--against", type=Path, action="append", default=[], help="a data set to drop near-duplicates of"
    )
    arguments = parser.parse_args(argv)
    engine = open_engine(database_url_from(os.environ))
    try:
        migrate(engine)
        counts = export(
            FeedbackStore(engine),
            arguments.out_dir,
            arguments.since,
            arguments.include_right,
            arguments.against,
        )
    finally:
        engine.dispose()
    print(summary(counts, arguments.out_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
