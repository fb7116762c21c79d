"""Thresholds sit just above the most confident wrong call, so validation has no dangerous miss."""

from pathlib import Path

import pytest

from model import Thresholds, decide
from training.evaluate import Prediction, summarise
from training.thresholds import (
    FLOORS,
    choose_thresholds,
    leave_one_source_out,
    lowest_safe_threshold,
    no_snake_ceiling,
    redecide,
)


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


def gated_prediction(truth: str, evidence: float, **probabilities: float) -> Prediction:
    """`prediction`, with the ImageNet head's snake probability `evidence` recorded."""
    plain = prediction(truth, **probabilities)
    verdict = decide(
        plain.verdict.probabilities, Thresholds(kingsnake=0, no_snake=0), snake_evidence=evidence
    )
    return Prediction(plain.photo, truth, verdict)


def test_the_snake_gate_stops_what_the_snake_head_misses() -> None:
    predictions = [
        gated_prediction("other_snake", 0.6, no_snake=0.97),  # ImageNet still sees the snake
        gated_prediction("no_snake", 0.01, no_snake=0.95),
        gated_prediction("no_snake", 0.03, no_snake=0.9),
    ]
    thresholds = choose_thresholds(predictions)
    assert thresholds.snake_evidence == 0.035  # the tightest gate that lets both no-snake photos through
    assert thresholds.no_snake == FLOORS["no_snake"]
    decided = [
        Prediction(p.photo, p.truth, decide(p.verdict.probabilities, thresholds, p.verdict.snake_evidence))
        for p in predictions
    ]
    assert [p.verdict.label for p in decided] == ["uncertain", "no_snake", "no_snake"]


def test_a_snake_just_above_a_gate_costs_no_more_than_that_half_point() -> None:
    """A snake photo at 0.041 snake evidence that the detector calls snake-free rules out gates above it:
    the gate just under it still lets the no-snake photos at 0.036-0.038 through (0.02 and 0.05 alone would
    not)."""
    predictions = [
        gated_prediction("other_snake", 0.041, no_snake=0.99),
        gated_prediction("no_snake", 0.036, no_snake=0.9),
        gated_prediction("no_snake", 0.038, no_snake=0.8),
    ]
    thresholds = choose_thresholds(predictions)
    assert thresholds.snake_evidence == 0.04 and thresholds.no_snake == FLOORS["no_snake"]


def test_leave_one_source_out_shows_what_other_sources_miss() -> None:
    from_brazil = Prediction(Path("br1_1.jpg"), "coral_snake", PREDICTIONS[0].verdict)  # kingsnake at 0.93
    from_inaturalist = [
        Prediction(Path(f"inat_{index}.jpg"), p.truth, p.verdict) for index, p in enumerate(PREDICTIONS[4:6])
    ]
    check = leave_one_source_out([from_brazil, *from_inaturalist])
    assert check["br1"]["dangerous_misses"] == 1  # the floor of 0.9 alone lets the 0.93 through
    assert check["inat"]["dangerous_misses"] == 0
    assert check["inat"]["photos"] == 2


def test_no_snake_ceiling_counts_what_no_safe_rule_can_keep() -> None:
    protected = [gated_prediction("other_snake", 0.1, no_snake=0.9)]  # ranked no_snake, little evidence
    no_snake = [
        gated_prediction("no_snake", 0.05, no_snake=0.95),  # less evidence: a gate below 0.1 keeps it
        gated_prediction("no_snake", 0.2, no_snake=0.95),  # surer, but more evidence: a threshold keeps it
        gated_prediction("no_snake", 0.2, no_snake=0.8),  # more evidence and less sure: out of reach
        gated_prediction("no_snake", 0.01, kingsnake=0.8),  # ranked a mimic: never "no snake"
    ]
    assert no_snake_ceiling(no_snake, protected) == 0.5
    assert no_snake_ceiling(no_snake, []) == 0.75
    assert no_snake_ceiling(protected, protected) is None


def test_chosen_thresholds_keep_no_more_than_the_ceiling() -> None:
    photos = [
        gated_prediction("other_snake", 0.1, no_snake=0.9),
        *(gated_prediction("no_snake", evidence, no_snake=0.95) for evidence in (0.01, 0.04, 0.3)),
        gated_prediction("no_snake", 0.3, no_snake=0.85),
    ]
    thresholds = choose_thresholds(photos)
    kept = summarise([Prediction(p.photo, p.truth, redecide(p.verdict, thresholds)) for p in photos])
    assert kept["dangerous_misses"] == 0
    assert kept["no_snake_kept"] <= no_snake_ceiling(photos, photos) == 0.75
