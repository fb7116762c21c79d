"""The targets the shipped model is held to, as the model card's *Targets* table (training/card.py).

The current ones are those of the snake-scenes issue: no dangerous miss anywhere (both sides and leave
one source out), every kept-back scene snake answered as a snake, "no snake" said of three in four
held-out no-snake photos with at most one snake photo in ten left uncertain, no step back on the grouped
figures, and the same size and speed budget.
"""

from training.evaluate import percent

SCENES = "scene"
"""The source of the snake-scenes folder's snake photos (`scene_*`): snakes that are not the subject."""
Target = tuple[str, str, str, bool]


def targets_section(metrics: dict, latency: dict | None) -> str:
    targets = [*_misses(metrics), *_scenes(metrics), *_no_snake(metrics), *_grouped(metrics)]
    if latency:
        targets += _size_and_speed(latency)
    rows = [f"| {name} | {goal} | {value} | {_met(reached)} |" for name, goal, value, reached in targets]
    return "## Targets\n\n| target | goal | measured | |\n|---|---|---|---|\n" + "\n".join(rows)


def scene_snakes_missed(metrics: dict) -> tuple[int, int]:
    """Kept-back scene snake photos (both sides) answered `kingsnake` or `no_snake`, and how many in all."""
    rows = [metrics[side]["by_source"].get(SCENES) for side in ("validation", "held_out") if side in metrics]
    rows = [row for row in rows if row]
    return sum(row["dangerous_misses"] for row in rows), sum(
        row["photos_per_class"].get("other_snake", 0) for row in rows
    )


def _misses(metrics: dict) -> list[Target]:
    sides = [("grouped", metrics["validation"])]
    if "held_out" in metrics:
        sides.append(("held-out", metrics["held_out"]))
    targets = [
        (f"{name}: dangerous misses", "0", str(side["dangerous_misses"]), side["dangerous_misses"] == 0)
        for name, side in sides
    ]
    if "thresholds_check" in metrics:
        left_out = sum(row["dangerous_misses"] for row in metrics["thresholds_check"].values())
        targets.append(("leave one source out: dangerous misses", "0", str(left_out), left_out == 0))
    return targets


def _scenes(metrics: dict) -> list[Target]:
    missed, photos = scene_snakes_missed(metrics)
    if not photos:
        return []
    answered = f"{photos - missed} of {photos}"
    return [("kept-back scene snakes answered as a snake", "all", answered, missed == 0)]


def _no_snake(metrics: dict) -> list[Target]:
    held_out = metrics.get("held_out")
    if not held_out:
        return []
    return [
        _at_least("held-out: no_snake photos labelled no_snake", held_out["no_snake_kept"], 0.75),
        _at_most("held-out: snake photos uncertain", held_out["uncertain_share_of_snake_photos"], 0.10),
        _at_least("held-out: coral vs mimic", held_out["coral_vs_kingsnake_accuracy"], 0.95),
    ]


def _grouped(metrics: dict) -> list[Target]:
    validation = metrics["validation"]
    return [
        _at_least("grouped: four-class accuracy", validation["accuracy"], 0.94),
        _at_least("grouped: coral vs mimic", validation["coral_vs_kingsnake_accuracy"], 0.92),
    ]


def _size_and_speed(latency: dict) -> list[Target]:
    size = latency["model_file_mb"]
    targets = [("model file", "<= 25 MB", f"{size} MB", size <= 25)]
    if "baseline" in latency:
        ratio = latency["data_set_photo"]["median_ms"] / latency["baseline"]["data_set_photo"]["median_ms"]
        targets.append(("median latency against the model before", "<= 1.3x", f"{ratio:.2f}x", ratio <= 1.3))
    return targets


def _at_least(name: str, value: float | None, least: float) -> Target:
    return name, f">= {least:.0%}", percent(value), value is not None and value >= least


def _at_most(name: str, value: float | None, most: float) -> Target:
    return name, f"<= {most:.0%}", percent(value), value is not None and value <= most


def _met(reached: bool) -> str:
    return "met" if reached else "**missed**"
