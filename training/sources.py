"""Where each photo comes from: its source (the file-name prefix) and, within some sources, a finer group.

The data set's README says that the prefix of a file name names its source (`seed_` for the 2020 coral
and kingsnake photos, `br1_` for a Brazilian collection, `inat_` for iNaturalist, `neg_` for the hard
negatives, ...) and `SOURCES.csv` gives each file's origin. A source-held-out split holds back whole
sources, or whole groups within one (an iNaturalist species, a collection of hard negatives, an ImageNet
class), so that validation asks what users will: how does the model do on photos from somewhere else?
"""

import csv
import re
from functools import cache
from pathlib import Path

SOURCES_FILE = "SOURCES.csv"
SCENES_FOLDER = "snake-scenes"
"""The second data folder's name: snakes that are not the subject of their photo (boxed), and cables."""


def source_of(photo: Path) -> str:
    """The photo's source: its file name up to the first underscore (`photo` alone if there is none)."""
    return photo.name.split("_", 1)[0] if "_" in photo.name else "photo"


def group_within_source(photo: Path) -> str:
    """A finer group inside the photo's source: a species, a sub-collection or a class; else the photo."""
    origin = _origins(photo.parent.parent).get(f"{photo.parent.name}/{photo.name}", "")
    source = source_of(photo)
    if source == "inat" and origin:
        return "inat/" + _species_in(Path(origin.rsplit(":", 1)[-1]).stem)
    if source == "neg" and origin:
        return "neg/" + _leading_word(Path(origin.rsplit("/", 1)[-1]).stem)
    return f"{source}/{photo.stem}"


def _species_in(name: str) -> str:
    """The binomial in `363_Lampropeltis_triangulum_holdout_004` or `27_Non_Venomous_Naja_atra`."""
    words = [
        word for word in name.split("_") if word.isalpha() and word not in ("Venomous", "Non", "holdout")
    ]
    return "_".join(words[:2]) or name


def _leading_word(name: str) -> str:
    """The letters a file name starts with: photos of one camera or one collection share them."""
    match = re.match(r"[A-Za-z]+", name)
    return match.group(0) if match else "unnamed"


@cache
def _origins(data_dir: Path) -> dict[str, str]:
    """`class/file name` -> origin, from the data set's SOURCES.csv (empty where there is none)."""
    table = data_dir / SOURCES_FILE
    if not table.is_file():
        return {}
    with table.open(newline="") as rows:
        return {row["file"]: row["origin"] for row in csv.DictReader(rows)}


def trained_on_scenes(recipe: dict) -> bool:
    """Whether the training run `recipe` (metrics.json's `training`) read the snake-scenes folder."""
    return SCENES_FOLDER in recipe.get("data_folders", [])
