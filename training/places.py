"""Where kept-back photos come from: each group of places' thresholds are chosen and measured on its own.

A source's region is what the data README and `SOURCES.csv` say of it. The 2020 coral snakes and
kingsnakes (`seed`) are Texas coral snakes and US scarlet kingsnakes, the `field` photos California
kingsnakes; `br1` and `br2` are Brazilian, `moz` Mozambican, `ph` Philippine. iNaturalist's photos
(`inat`) come from everywhere and ImageNet's (`inet`) from nowhere in particular, and the hard negatives
(`neg`) hold no snake: they have no one region.
"""

from pathlib import Path

from model import Verdict
from model.places import RHYME_HOLDS, group_of, range_table
from model.policy import Policy, redecide
from training.predictions import SIDE_NAMES, SNAKES, Prediction, coral_vs_kingsnake_accuracy, percent
from training.sources import source_of

SOURCE_REGIONS = {"seed": "US", "field": "US", "br1": "BR", "br2": "BR", "moz": "MZ", "ph": "PH"}


def region_of(photo: Path) -> str | None:
    """The ISO 3166 code of the place the photo's source comes from; None where it has no one place."""
    return SOURCE_REGIONS.get(source_of(photo))


def from_group(predictions: list[Prediction], group: str) -> list[Prediction]:
    """The predictions on photos whose source lies in the group of places."""
    return [p for p in predictions if (region := region_of(p.photo)) and group_of(region) == group]


def protected_in(predictions: list[Prediction], group: str) -> list[Prediction]:
    """The snake photos a group's `kingsnake` threshold must not call harmless: its own places' coral snakes
    and other snakes, and the other snakes of sources from everywhere (a rattlesnake looks the same in any
    photo collection). Coral snakes and other snakes from the other groups' places can't be met there."""
    return [
        p
        for p in predictions
        if p.truth in SNAKES
        and (
            ((region := region_of(p.photo)) is None and p.truth == "other_snake")
            or (region is not None and group_of(region) == group)
        )
    ]


def answered_for_their_place(predictions: list[Prediction], policy: Policy) -> list[Prediction]:
    """Each photo's verdict for the place its source comes from (strict where it has none)."""
    return [
        Prediction(p.photo, p.truth, redecide(p.verdict, policy.for_place(region_of(p.photo))))
        for p in predictions
    ]


def place_report(sides: dict[str, list[Prediction]], policy: Policy) -> dict:
    """Per group of places with its own thresholds (and `strict`): its `kingsnake` threshold, and per side
    what the photos from its places get when answered for their place."""
    groups = {"strict": policy.strict, **policy.groups}
    answered = {side: answered_for_their_place(ps, policy) for side, ps in sides.items()}
    return {
        group: {
            "kingsnake": thresholds.kingsnake,
            "sources": sorted({source_of(p.photo) for ps in sides.values() for p in from_group(ps, group)}),
            **{side: _summary(from_group(ps, group)) for side, ps in answered.items()},
        }
        for group, thresholds in groups.items()
    }


def _summary(predictions: list[Prediction]) -> dict:
    mimics = [p.verdict for p in predictions if p.truth == "kingsnake"]
    corals = [p.verdict for p in predictions if p.truth == "coral_snake"]
    return {
        "photos": len(predictions),
        "mimics": len(mimics),
        "mimics_called_kingsnake": _share_labelled(mimics, "kingsnake"),
        "coral_snakes": len(corals),
        "coral_snakes_called_kingsnake": sum(v.label == "kingsnake" for v in corals),
        "coral_vs_kingsnake_accuracy": coral_vs_kingsnake_accuracy(predictions),
        "dangerous_misses": sum(p.is_dangerous_miss for p in predictions),
    }


def _share_labelled(verdicts: list[Verdict], label: str) -> float | None:
    return sum(v.label == label for v in verdicts) / len(verdicts) if verdicts else None


def format_places(places: dict) -> str:
    """Per group of places: its `kingsnake` threshold, and per side what its photos get for their place."""
    lines = ["\n== answered for the place each photo's source comes from"]
    for group, row in places.items():
        lines.append(f"{group} (kingsnake >= {row['kingsnake']:.3f}; sources {', '.join(row['sources'])}):")
        lines += [f"  {side}: {_line(summary)}" for side, summary in row.items() if isinstance(summary, dict)]
    return "\n".join(lines)


def _line(summary: dict) -> str:
    return (
        f"{summary['photos']} photos, mimics called kingsnake {percent(summary['mimics_called_kingsnake'])} "
        f"of {summary['mimics']}, coral snakes called kingsnake {summary['coral_snakes_called_kingsnake']} "
        f"of {summary['coral_snakes']}, dangerous misses {summary['dangerous_misses']}"
    )


def places_section(metrics: dict) -> str:
    """The card's section on answering for a place: the groups, their thresholds, their photos' figures."""
    places = metrics.get("places")
    if not places:
        return "## By place\n\nNot measured: run training.thresholds."
    relaxed = sorted(code for code, place in range_table().items() if place.group == RHYME_HOLDS)
    rows = [
        f"| `{group}` | {row['kingsnake']:.3f} | {', '.join(f'`{s}`' for s in row['sources']) or 'none'} "
        f"| {SIDE_NAMES.get(side, side)} | {summary['photos']} | {_of(summary, 'mimics')} "
        f"| {summary['coral_snakes_called_kingsnake']} of {summary['coral_snakes']} "
        f"| {summary['dangerous_misses']} |"
        for group, row in places.items()
        for side, summary in row.items()
        if isinstance(summary, dict) and summary["photos"]
    ]
    return (
        "## By place\n\nWhere the snake was seen changes the `kingsnake` threshold and nothing else "
        "(model/places.py, model/ranges.csv with each row's sources). `rhyme_holds`: places whose native "
        "coral snakes all have red touching yellow, or that have none ("
        + ", ".join(f"`{code}`" for code in relaxed)
        + "); its threshold sits above every coral snake and other snake from there, and every other "
        "snake from sources with no one place, ranked kingsnake (training/places.py), and never below "
        "its floor. `strict`: everywhere else, a place the table lacks, and no place known. Each photo "
        "answered for the place its source comes from:\n\n| group | `kingsnake` threshold | sources "
        "| side | photos | mimics called harmless | coral snakes called harmless | dangerous misses |\n"
        "|---|---|---|---|---|---|---|---|\n" + "\n".join(rows)
    )


def _of(summary: dict, name: str) -> str:
    return f"{percent(summary[f'{name}_called_kingsnake'])} of {summary[name]}" if summary[name] else "none"
