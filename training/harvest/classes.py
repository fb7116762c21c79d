"""The classes to harvest, read from a CSV such as `training/harvest_classes.csv`.

Columns: `class` (the folder name), `taxa` (names or iNaturalist taxon ids, `;`-separated),
`exclude` (taxa to leave out, same form, may be empty) and `limit` (photos wanted in that class).
"""

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from training.harvest.errors import HarvestError

COLUMNS = ("class", "taxa", "exclude", "limit")
FOLDER_NAME = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class HarvestClass:
    name: str
    taxa: tuple[str, ...]
    exclusions: tuple[str, ...]
    limit: int


def read_classes(path: Path) -> list[HarvestClass]:
    """The classes in `path`, checked; raises HarvestError naming the line at fault."""
    try:
        with path.open(newline="", encoding="utf-8") as file:
            reader = csv.DictReader(file)
            missing = [column for column in COLUMNS if column not in (reader.fieldnames or ())]
            if missing:
                raise HarvestError(
                    f"{path}: missing column(s) {', '.join(missing)}; need {', '.join(COLUMNS)}"
                )
            classes = [_parse_row(row, f"{path}:{line}") for line, row in enumerate(reader, start=2)]
    except OSError as error:
        raise HarvestError(f"cannot read the classes file: {error}") from error
    _check_unique([harvest_class.name for harvest_class in classes], path)
    return classes


def _parse_row(row: dict[str, str], where: str) -> HarvestClass:
    name = (row["class"] or "").strip()
    if not FOLDER_NAME.fullmatch(name):
        raise HarvestError(f"{where}: class {name!r} must be a folder name of letters, digits, _ or -")
    taxa = _split_list(row["taxa"])
    if not taxa:
        raise HarvestError(f"{where}: class {name!r} names no taxa")
    try:
        limit = int(row["limit"])
    except (TypeError, ValueError):
        limit = 0
    if limit < 1:
        raise HarvestError(f"{where}: limit {row['limit']!r} must be a positive whole number")
    return HarvestClass(name=name, taxa=taxa, exclusions=_split_list(row["exclude"]), limit=limit)


def _split_list(cell: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (cell or "").split(";") if part.strip())


def _check_unique(names: list[str], path: Path) -> None:
    if not names:
        raise HarvestError(f"{path}: no classes to harvest")
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise HarvestError(f"{path}: class(es) listed twice: {', '.join(repeated)}")
