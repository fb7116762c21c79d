"""Thresholds sit just above the most confident wrong call, so validation has no dangerous miss."""

from pathlib import Path

import pytest

from model import Thresholds, decide
from training.evaluate import Prediction, summarise
from training.thresholds import FLOORS, choose_thresholds, lowest_safe_threshold


def prediction(truth: str, **probabilities: float) -> Prediction:
    """A photo of `truth` scored with `probabilities` (the rest spread over the other classes)."""
    rest = [
        name for name in ("coral_snake", "kingsnake", "other_snake", "no_snake") if name not in probabilities
    ]
    spread = (1 - sum(probabilities.values())) / len(rest)
    scores = {**dict.fromkeys(rest, spread), **probabilities}
    return Prediction(Path(f"{truth}.jpg"), truth, decide(scores, Thresholds(kingsnake=0, no_snake=0)))


PREDICTIONS = [
    prediction("coral_snake", kingsnake=0.93),  # the worst call kingsnake must prevent
    prediction("other_snake", kingsnake=0.6),
    prediction("coral_snake", no_snake=0.55),
    prediction("kingsnake", no_snake=0.8),  # any snake called no_snake counts
    prediction("kingsnake", kingsnake=0.97),
    prediction("no_snake", no_snake=0.99),
    prediction("no_snake", kingsnake=0.97),  # harmless: a picture without a snake called kingsnake
]


def test_threshold_is_just_above_the_worst_wrong_call() -> None:
    assert lowest_safe_threshold(
        PREDICTIONS, "kingsnake", {"coral_snake", "other_snake"}, 0.02
    ) == pytest.approx(0.95)
    assert lowest_safe_threshold(
        PREDICTIONS, "no_snake", {"coral_snake", "kingsnake"}, 0.02
    ) == pytest.approx(0.82)


def test_threshold_has_a_floor_and_a_ceiling() -> None:
    assert lowest_safe_threshold(PREDICTIONS[4:6], "kingsnake", {"coral_snake"}) == FLOORS["kingsnake"]
    assert lowest_safe_threshold(PREDICTIONS[4:6], "no_snake", {"coral_snake"}) == FLOORS["no_snake"]


def test_calling_a_snake_harmless_needs_90_percent_even_without_wrong_calls() -> None:
    only_right_calls = [prediction("kingsnake", kingsnake=0.6)]
    assert lowest_safe_threshold(only_right_calls, "kingsnake", {"coral_snake", "other_snake"}) == 0.9
    sure_and_wrong = [prediction("coral_snake", kingsnake=0.999)]
    assert lowest_safe_threshold(sure_and_wrong, "kingsnake", {"coral_snake"}) == 1.0


def test_chosen_thresholds_leave_no_dangerous_miss() -> None:
    thresholds = choose_thresholds(PREDICTIONS)
    decided = [Prediction(p.photo, p.truth, decide(p.verdict.probabilities, thresholds)) for p in PREDICTIONS]
    summary = summarise(decided)
    assert summary["dangerous_misses"] == 0
    assert summary["uncertain_snake_photos"] == 4
    assert [p.verdict.label for p in decided[4:6]] == ["kingsnake", "no_snake"]
