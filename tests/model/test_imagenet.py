"""The network's outputs told apart (snake classes, the kept ImageNet head, the detector) and read."""

import numpy as np
import pytest

from model.imagenet import IMAGENET_CLASSES, SNAKE_CLASSES, probability, snake_evidence, split_logits


def test_a_network_without_the_head_has_no_imagenet_logits() -> None:
    logits = np.random.default_rng(0).normal(size=4)
    outputs = split_logits(logits, 4)
    assert outputs.imagenet is None and outputs.no_snake_log_odds is None
    assert np.array_equal(outputs.classes, logits)


def test_the_snake_classes_come_first_then_imagenet() -> None:
    logits = np.arange(4 + IMAGENET_CLASSES, dtype=np.float32)
    outputs = split_logits(logits, 4)
    assert outputs.classes.tolist() == [0, 1, 2, 3]
    assert outputs.imagenet.shape == (IMAGENET_CLASSES,) and outputs.imagenet[0] == 4
    assert outputs.no_snake_log_odds is None


@pytest.mark.parametrize("imagenet", [0, IMAGENET_CLASSES])
def test_the_detector_logit_comes_last(imagenet: int) -> None:
    logits = np.arange(4 + imagenet + 1, dtype=np.float32)
    outputs = split_logits(logits, 4)
    assert outputs.classes.tolist() == [0, 1, 2, 3]
    assert outputs.no_snake_log_odds == 4 + imagenet
    assert (outputs.imagenet is None) == (imagenet == 0)


def test_the_detectors_log_odds_become_a_probability_for_any_logit() -> None:
    assert probability(0.0) == 0.5
    assert probability(800.0) == 1.0 and probability(-800.0) == 0.0
    assert probability(2.0) == pytest.approx(1 - probability(-2.0))


def test_an_unexpected_width_is_an_error() -> None:
    with pytest.raises(ValueError, match="outputs"):
        split_logits(np.zeros(10), 4)


def test_snake_evidence_is_the_probability_on_the_17_snake_classes() -> None:
    logits = np.full(IMAGENET_CLASSES, -20.0)
    logits[SNAKE_CLASSES] = 5.0
    assert float(snake_evidence(logits)) == pytest.approx(1.0)
    logits[SNAKE_CLASSES] = -20.0
    logits[0] = 5.0
    assert float(snake_evidence(logits)) == pytest.approx(0.0, abs=1e-6)


def test_snake_evidence_survives_huge_logits() -> None:
    logits = np.zeros(IMAGENET_CLASSES, dtype=np.float32)
    logits[SNAKE_CLASSES.start] = 1e4
    assert float(snake_evidence(logits)) == pytest.approx(1.0)
