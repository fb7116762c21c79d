"""The kept ImageNet head: its outputs are told apart from the snake classes' and read as snake evidence."""

import numpy as np
import pytest

from model.imagenet import IMAGENET_CLASSES, SNAKE_CLASSES, snake_evidence, split_logits


def test_a_network_without_the_head_has_no_imagenet_logits() -> None:
    logits = np.random.default_rng(0).normal(size=4)
    classes, imagenet = split_logits(logits, 4)
    assert imagenet is None and np.array_equal(classes, logits)


def test_the_snake_classes_come_first_then_imagenet() -> None:
    logits = np.arange(4 + IMAGENET_CLASSES, dtype=np.float32)
    classes, imagenet = split_logits(logits, 4)
    assert classes.tolist() == [0, 1, 2, 3]
    assert imagenet.shape == (IMAGENET_CLASSES,) and imagenet[0] == 4


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
