"""The ledgers in OUT_DIR that credit each kept photo and let a re-run skip every photo already tried.

ATTRIBUTION.csv has one row per photo in the data set (what its licence asks us to credit);
REJECTED.csv one row per photo turned away as broken, too small or a duplicate. A photo named in
either is never fetched again. Rows are appended as photos are filed, so an interrupted run loses nothing.
"""

import csv
from collections import Counter
from pathlib import Path

from training.harvest.candidates import PhotoCandidate
from training.harvest.summary import Outcome

ATTRIBUTION_FILE = "ATTRIBUTION.csv"
ATTRIBUTION_COLUMNS = ("file", "class", "source", "photo_url", "observer", "licence", "observation_url")
REJECTED_FILE = "REJECTED.csv"
REJECTED_COLUMNS = ("photo_url", "class", "reason")


class Ledger:
    def __init__(self, out_dir: Path) -> None:
        self._out_dir = out_dir
        kept = _read_rows(out_dir / ATTRIBUTION_FILE)
        rejected = _read_rows(out_dir / REJECTED_FILE)
        self._kept_files = [out_dir / row["file"] for row in kept]
        self._kept_per_class = Counter(row["class"] for row in kept)
        self._seen_urls = {row["photo_url"] for row in kept + rejected}

    def has_seen(self, candidate: PhotoCandidate) -> bool:
        return candidate.photo_url in self._seen_urls

    def kept_count(self, class_name: str) -> int:
        return self._kept_per_class[class_name]

    def kept_files(self) -> list[Path]:
        return list(self._kept_files)

    def record_kept(self, candidate: PhotoCandidate, class_name: str, file: Path) -> None:
        row = {
            "file": file.relative_to(self._out_dir).as_posix(),
            "class": class_name,
            "source": candidate.source,
            "photo_url": candidate.photo_url,
            "observer": candidate.observer,
            "licence": candidate.licence,
            "observation_url": candidate.observation_url,
        }
        self._append(ATTRIBUTION_FILE, ATTRIBUTION_COLUMNS, row)
        self._seen_urls.add(candidate.photo_url)
        self._kept_files.append(file)
        self._kept_per_class[class_name] += 1

    def record_rejected(self, candidate: PhotoCandidate, class_name: str, outcome: Outcome) -> None:
        row = {"photo_url": candidate.photo_url, "class": class_name, "reason": outcome.value}
        self._append(REJECTED_FILE, REJECTED_COLUMNS, row)
        self._seen_urls.add(candidate.photo_url)

    def _append(self, file_name: str, columns: tuple[str, ...], row: dict[str, str]) -> None:
        path = self._out_dir / file_name
        is_new = not path.exists()
        with path.open("a", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(file, fieldnames=columns)
            if is_new:
                writer.writeheader()
            writer.writerow(row)


def _read_rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))
