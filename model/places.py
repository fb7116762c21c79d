"""Where a snake was seen, and what that says about the coral snakes it could be.

"Red touches yellow" holds for every coral snake native to the United States, not for many further south
(Brazil's *Micrurus frontalis* has red touching black, as the US mimics do). The range table,
`model/ranges.csv`, says for each country, and for each state whose answer differs from its country's,
whether coral snakes live there and whether every one of them keeps the rhyme; each row names its
sources. A place whose coral snakes all keep the rhyme, or that has none, belongs to the group
`rhyme_holds`, whose own `kingsnake` threshold is chosen on photos from there (training/thresholds.py).
Every other place, a place the table lacks, and no place at all are `strict`: the thresholds that hold for
coral snakes from everywhere.

Places are ISO 3166 codes: a country (`US`, `BR`) or a state (`MX-SON`, `US-TX`). Two user-assigned
codes name the choices a person can make without a country: `QS` (Central or South America) and `ZZ`
(elsewhere).
"""

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

RANGES = Path(__file__).parent / "ranges.csv"
STRICT = "strict"
RHYME_HOLDS = "rhyme_holds"
GROUPS = (STRICT, RHYME_HOLDS)
CORAL_SNAKES = ("none", "rhyme_holds", "rhyme_breaks", "unknown")
"""What a row says of a place's coral snakes: none live there; all keep the rhyme; some break it; or no
one place (a region, or "elsewhere")."""
PLACE_CODE = re.compile(r"[A-Z]{2}(?:-[A-Z0-9]{1,3})?")


@dataclass(frozen=True)
class Place:
    """One row of the range table."""

    code: str
    names: dict[str, str]
    """The place's name by language code (`en`, `es`)."""
    coral_snakes: str
    species: tuple[str, ...]
    sources: tuple[str, ...]

    @property
    def group(self) -> str:
        """`rhyme_holds` where no native coral snake breaks the rhyme, else `strict`."""
        return RHYME_HOLDS if self.coral_snakes in ("none", "rhyme_holds") else STRICT

    def name(self, language: str) -> str:
        """The name in `language`, else in English."""
        return self.names.get(language) or self.names["en"]


@cache
def range_table() -> dict[str, Place]:
    """Every row of model/ranges.csv by code, read once."""
    with RANGES.open(newline="", encoding="utf-8") as rows:
        return {row["code"]: _place(row) for row in csv.DictReader(rows)}


def _place(row: dict[str, str]) -> Place:
    if not PLACE_CODE.fullmatch(row["code"]) or row["coral_snakes"] not in CORAL_SNAKES:
        raise ValueError(f"model/ranges.csv: a bad row {row}")
    return Place(
        code=row["code"],
        names={"en": row["name_en"], "es": row["name_es"]},
        coral_snakes=row["coral_snakes"],
        species=_listed(row["species"]),
        sources=_listed(row["sources"]),
    )


def _listed(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(";") if part.strip())


def normalised(code: str) -> str | None:
    """`code` as the table spells it (`us-tx` -> `US-TX`), or None when it is no ISO 3166 code."""
    cleaned = code.strip().upper()
    return cleaned if PLACE_CODE.fullmatch(cleaned) else None


def place_for(code: str | None) -> Place | None:
    """The table's row for `code`: the state's own row, else its country's; None where it has neither."""
    if code is None:
        return None
    table = range_table()
    return table.get(code) or table.get(code.split("-", 1)[0])


def group_of(code: str | None) -> str:
    """The group whose thresholds answer for a snake seen at `code` (`strict` for an unknown place)."""
    place = place_for(code)
    return place.group if place else STRICT
