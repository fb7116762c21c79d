"""Where the snake is in a photo, where a data folder says (`boxes` in its SOURCES.csv), and how small.

The snake-scenes folder gives each snake photo a JSON list of boxes, `[x0, y0, x1, y1]` as fractions of
the width and height (0, 0 top left). How small a snake the model still finds is reported by the share
of the photo the largest box covers (`SIZES`): a snake photo answered `no_snake` is a dangerous miss,
and the small ones are where it happens.
"""

import csv
import json
from functools import cache
from pathlib import Path

from training.predictions import SIDE_NAMES, Prediction, share
from training.sources import SOURCES_FILE

Box = tuple[float, float, float, float]
SIZES = (("under 5%", 0.05), ("5-10%", 0.10), ("10-25%", 0.25), ("over 25%", 1.01))
"""Buckets of the largest box's share of the photo's area: the name, and the share it stays under."""


def boxes_of(photo: Path) -> list[Box]:
    """The photo's snake boxes from its data folder's SOURCES.csv; [] where it gives none."""
    return _boxes(photo.parent.parent).get(f"{photo.parent.name}/{photo.name}", [])


def area(box: Box) -> float:
    x0, y0, x1, y1 = box
    return max(0.0, x1 - x0) * max(0.0, y1 - y0)


def size_of(boxes: list[Box]) -> str | None:
    """The bucket of the largest box's share of the photo; None without boxes."""
    if not boxes:
        return None
    largest = max(map(area, boxes))
    return next(name for name, under in SIZES if largest < under)


def by_box_size(predictions: list[Prediction]) -> dict[str, dict]:
    """Per size bucket, the boxed snake photos and how many were answered `no_snake`."""
    report = {}
    for name, _ in SIZES:
        photos = [p for p in predictions if p.truth != "no_snake" and size_of(boxes_of(p.photo)) == name]
        missed = sum(p.verdict.label == "no_snake" for p in photos)
        report[name] = {"photos": len(photos), "called_no_snake": missed, "share": share(missed, len(photos))}
    return report


def format_box_sizes(report: dict[str, dict]) -> str:
    cells = [f"{name}: {row['called_no_snake']} of {row['photos']}" for name, row in report.items()]
    return "snake photos called no_snake, by the share of the photo their snake covers: " + "; ".join(cells)


@cache
def _boxes(data_dir: Path) -> dict[str, list[Box]]:
    """`class/file name` -> its boxes, from the folder's SOURCES.csv (empty where there is none)."""
    table = data_dir / SOURCES_FILE
    if not table.is_file():
        return {}
    with table.open(newline="") as rows:
        return {
            row["file"]: [tuple(map(float, box)) for box in json.loads(row["boxes"])]
            for row in csv.DictReader(rows)
            if row.get("boxes")
        }


def box_sizes_section(metrics: dict) -> str:
    """The card's table of snake photos called `no_snake` by box size, per side that has boxed photos."""
    sides = {
        name: metrics[side]["box_sizes"]
        for side, name in SIDE_NAMES.items()
        if "box_sizes" in metrics.get(side, {})
    }
    if not sides:
        return ""
    header = (
        "| share of the photo the snake covers | " + " | ".join(sides) + " |\n|---|" + "---|" * len(sides)
    )
    rows = [
        f"| {name} | " + " | ".join(_cell(table[name]) for table in sides.values()) + " |"
        for name, _ in SIZES
    ]
    return (
        "## How small a snake it still finds\n\n"
        "Kept-back snake photos whose data folder boxes the snake (the snake scenes), answered `no_snake`, "
        "by the share of the photo the largest box covers (training/boxes.py; `python -m training.evaluate` "
        "prints the same):\n\n" + "\n".join([header, *rows])
    )


def _cell(row: dict) -> str:
    return f"{row['called_no_snake']} of {row['photos']}"
