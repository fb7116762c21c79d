"""What became of each photo a harvest tried, and the tables printed at the end of a run."""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Outcome(StrEnum):
    DOWNLOADED = "downloaded"
    DUPLICATE = "duplicate"
    BROKEN = "broken"
    TOO_SMALL = "too small"
    FAILED = "failed"
    """The download itself failed after the retries; unlike the others it is tried again next run."""


@dataclass
class ClassPlan:
    """What a dry run found for one class."""

    already_kept: int
    wanted: int
    new_per_source: Counter[str] = field(default_factory=Counter)


def format_summary(tallies: Mapping[str, Counter[Outcome]]) -> str:
    """A table: one row per class, one column per outcome, and a total row."""
    total: Counter[Outcome] = sum(tallies.values(), Counter())
    rows = [["class", *Outcome]]
    rows += [
        [name, *(str(tally[outcome]) for outcome in Outcome)]
        for name, tally in [*tallies.items(), ("total", total)]
    ]
    widths = [max(len(cell) for cell in column) for column in zip(*rows, strict=True)]
    return "\n".join(_table_row(row, widths) for row in rows)


def _table_row(cells: list[str], widths: list[int]) -> str:
    """The first cell aligned left, the numbers right."""
    numbers = [cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True)]
    return "  ".join([cells[0].ljust(widths[0]), *numbers])


def format_plan(plans: Mapping[str, ClassPlan]) -> str:
    """One line per class: how many photos it has, and how many new ones each source offers."""
    lines = ["dry run: no photos written; some offered photos may still prove broken or duplicates"]
    for name, plan in plans.items():
        per_source = ", ".join(f"{source} {count}" for source, count in plan.new_per_source.items())
        lines.append(
            f"{name}: {plan.already_kept} kept, would fetch {plan.new_per_source.total()} of "
            f"{plan.wanted} wanted ({per_source or 'none offered'})"
        )
    return "\n".join(lines)
