"""The safety policy: guarded labels need their threshold, unguarded ones never wait."""

from pathlib import Path

import pytest

from model import UNCERTAIN, Thresholds, Verdict, decide
from model.places import RHYME_HOLDS, STRICT
from model.policy import Policy

THRESHOLDS = Thresholds(kingsnake=0.8, no_snake=0.9)


def scores(coral_snake: float = 0.0, kingsnake: float = 0.0, other_snake: float = 0.0, no_snake: float = 0.0):
    return {
        "coral_snake": coral_snake,
        "kingsnake": kingsnake,
        "other_snake": other_snake,
        "no_snake": no_snake,
    }


@pytest.mark.parametrize(
    ("probabilities", "label"),
    [
        (scores(kingsnake=0.85, coral_snake=0.15), "kingsnake"),
        (scores(kingsnake=0.6, coral_snake=0.4), UNCERTAIN),
        (scores(no_snake=0.95, other_snake=0.05), "no_snake"),
        (scores(no_snake=0.85, other_snake=0.15), UNCERTAIN),
        (scores(coral_snake=0.4, kingsnake=0.3, other_snake=0.3), "coral_snake"),
        (scores(other_snake=0.3, coral_snake=0.25, kingsnake=0.25, no_snake=0.2), "other_snake"),
    ],
)
def test_guarded_labels_need_their_threshold(probabilities: dict[str, float], label: str) -> None:
    assert decide(probabilities, THRESHOLDS).label == label


def test_uncertain_verdict_keeps_the_refused_guess() -> None:
    verdict = decide(scores(kingsnake=0.6, coral_snake=0.4), THRESHOLDS)
    assert (verdict.best_guess, verdict.confidence) == ("kingsnake", 0.6)


def test_missing_classes_are_an_error() -> None:
    with pytest.raises(ValueError, match="lack classes"):
        decide({"coral_snake": 1.0}, THRESHOLDS)


REGIONAL = Policy(THRESHOLDS, {RHYME_HOLDS: Thresholds(kingsnake=0.6, no_snake=0.9)})


def test_a_policy_round_trips_through_json(tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    REGIONAL.save(path)
    assert Policy.load(path) == REGIONAL
    assert Thresholds.load(path) == THRESHOLDS


def test_a_policy_file_without_places_is_strict_everywhere(tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    path.write_text('{"kingsnake": 0.95, "no_snake": 0.8}')
    policy = Policy.load(path)
    assert policy.for_place("US-TX") == policy.for_place(None) == Thresholds(kingsnake=0.95, no_snake=0.8)
    assert policy.rule_for("US-TX") == STRICT


def test_where_every_coral_snake_keeps_the_rhyme_a_mimic_may_be_called_harmless() -> None:
    mimic = scores(kingsnake=0.7, coral_snake=0.3)
    assert decide(mimic, REGIONAL.for_place(None)).label == UNCERTAIN
    assert decide(mimic, REGIONAL.for_place("US-TX")).label == "kingsnake"
    assert REGIONAL.rule_for("US") == RHYME_HOLDS


@pytest.mark.parametrize("place", [None, "BR", "MX", "MX-TAM", "QS", "ZZ", "DE", "XX-YY"])
def test_elsewhere_and_nowhere_keep_the_strict_thresholds(place: str | None) -> None:
    assert REGIONAL.for_place(place) == THRESHOLDS
    assert REGIONAL.rule_for(place) == STRICT


def test_a_place_can_only_loosen_the_kingsnake_threshold() -> None:
    with pytest.raises(ValueError, match="beyond kingsnake"):
        Policy(THRESHOLDS, {RHYME_HOLDS: Thresholds(kingsnake=0.6, no_snake=0.5)})


def test_the_place_matters_for_a_likely_mimic_only() -> None:
    strict = REGIONAL.for_place(None)
    assert REGIONAL.place_matters(decide(scores(kingsnake=0.7, coral_snake=0.3), strict))
    for unmoved in (scores(kingsnake=0.5, coral_snake=0.5), scores(coral_snake=0.9, kingsnake=0.1)):
        assert not REGIONAL.place_matters(decide(unmoved, strict))
    assert not Policy(THRESHOLDS).place_matters(decide(scores(kingsnake=0.7, coral_snake=0.3), strict))


def test_a_verdict_is_the_same_whatever_the_place_but_for_kingsnake() -> None:
    no_snake = decide(scores(no_snake=0.95, other_snake=0.05), THRESHOLDS)
    assert isinstance(no_snake, Verdict) and not REGIONAL.place_matters(no_snake)


def test_no_snake_needs_the_imagenet_head_to_see_no_snake() -> None:
    gated = Thresholds(kingsnake=0.8, no_snake=0.9, snake_evidence=0.1)
    probabilities = scores(no_snake=0.97, other_snake=0.03)
    assert decide(probabilities, gated, snake_evidence=0.02).label == "no_snake"
    assert decide(probabilities, gated, snake_evidence=0.4).label == UNCERTAIN
    assert decide(probabilities, gated).label == "no_snake"  # a network without the ImageNet head
    assert decide(scores(other_snake=0.9, no_snake=0.1), gated, snake_evidence=0.0).label == "other_snake"


@pytest.mark.parametrize(
    ("class_probability", "detector", "label"),
    [(0.99, 0.95, "no_snake"), (0.99, 0.5, UNCERTAIN), (0.6, 0.95, "no_snake")],
)
def test_where_the_network_has_a_detector_no_snake_is_held_to_it(
    class_probability: float, detector: float, label: str
) -> None:
    probabilities = scores(no_snake=class_probability, other_snake=1 - class_probability)
    verdict = decide(probabilities, THRESHOLDS, snake_evidence=0.0, detector_no_snake=detector)
    assert verdict.label == label and verdict.sureness == detector
    assert decide(probabilities, THRESHOLDS, detector_no_snake=0.5).confidence == class_probability


def test_the_detector_never_speaks_for_a_snake_class() -> None:
    verdict = decide(scores(kingsnake=0.85, coral_snake=0.15), THRESHOLDS, detector_no_snake=0.0)
    assert verdict.label == "kingsnake" and verdict.sureness == 0.85
