"""An album's photos combine into one verdict, and disagreement is answered on the safe side."""

import math

import pytest

from model import CLASSES, UNCERTAIN, Thresholds, Verdict, decide
from model.albums import combine

THRESHOLDS = Thresholds(kingsnake=0.8, no_snake=0.9)


def verdict(*probabilities: float) -> Verdict:
    """The policy's verdict on probabilities given in the order of CLASSES."""
    return decide(dict(zip(CLASSES, probabilities, strict=True)), THRESHOLDS)


def test_one_photo_keeps_its_own_verdict() -> None:
    photo = verdict(0.1, 0.85, 0.03, 0.02)
    album = combine([photo], THRESHOLDS)
    assert album.combined.label == "kingsnake"
    assert album.combined.probabilities == pytest.approx(photo.probabilities)
    assert not album.disagreement


def test_the_combination_is_the_normalised_geometric_mean_under_the_policy() -> None:
    photos = [verdict(0.05, 0.9, 0.03, 0.02), verdict(0.2, 0.7, 0.05, 0.05)]
    album = combine(photos, THRESHOLDS)
    geometric = [math.sqrt(a * b) for a, b in [(0.05, 0.2), (0.9, 0.7), (0.03, 0.05), (0.02, 0.05)]]
    assert album.combined.probabilities["kingsnake"] == pytest.approx(geometric[1] / sum(geometric))
    assert sum(album.combined.probabilities.values()) == pytest.approx(1.0)
    assert album.combined.label == "kingsnake"  # 0.82: past the 0.8 a kingsnake verdict needs
    assert not album.disagreement


def test_coral_snake_against_no_snake_is_the_safe_side() -> None:
    no_snake, coral = verdict(0.02, 0.01, 0.01, 0.96), verdict(0.9, 0.05, 0.03, 0.02)
    photos = [no_snake, coral, no_snake]
    album = combine(photos, THRESHOLDS)
    assert album.disagreement
    assert album.combined.label in (UNCERTAIN, "coral_snake")
    assert album.combined.label != "no_snake"


def test_a_disagreeing_album_that_combines_to_coral_snake_stays_coral_snake() -> None:
    photos = [verdict(0.95, 0.02, 0.02, 0.01), verdict(0.3, 0.1, 0.5, 0.1)]
    album = combine(photos, THRESHOLDS)
    assert album.disagreement and album.combined.label == "coral_snake"


def test_an_empty_album_is_refused() -> None:
    with pytest.raises(ValueError):
        combine([], THRESHOLDS)


def test_one_photo_showing_a_snake_keeps_the_album_from_no_snake() -> None:
    gated = Thresholds(kingsnake=0.9, no_snake=0.5, snake_evidence=0.1)
    sure_no_snake = {"coral_snake": 0.01, "kingsnake": 0.01, "other_snake": 0.02, "no_snake": 0.96}
    photos = [
        decide(sure_no_snake, gated, snake_evidence=0.01),
        decide(sure_no_snake, gated, snake_evidence=0.6),
    ]
    assert combine(photos, gated).combined.label == UNCERTAIN
    assert combine(photos[:1], gated).combined.label == "no_snake"


def test_one_photo_the_detector_doubts_keeps_the_album_from_no_snake() -> None:
    sure_no_snake = {"coral_snake": 0.01, "kingsnake": 0.01, "other_snake": 0.02, "no_snake": 0.96}
    photos = [
        decide(sure_no_snake, THRESHOLDS, detector_no_snake=0.99),
        decide(sure_no_snake, THRESHOLDS, detector_no_snake=0.3),
    ]
    assert combine(photos, THRESHOLDS).combined.detector_no_snake == 0.3
    assert combine(photos, THRESHOLDS).combined.label == UNCERTAIN
    assert combine(photos[:1], THRESHOLDS).combined.label == "no_snake"
