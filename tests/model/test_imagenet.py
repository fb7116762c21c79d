"""The kept ImageNet head: its outputs are told apart from the snake classes' and read as snake evidence."""

import pytest
import torch

from model.imagenet import IMAGENET_CLASSES, SNAKE_CLASSES, snake_evidence, split_logits


def test_a_network_without_the_head_has_no_imagenet_logits() -> None:
    logits = torch.randn(4)
    classes, imagenet = split_logits(logits, 4)
    assert imagenet is None and torch.equal(classes, logits)


def test_the_snake_classes_come_first_then_imagenet() -> None:
    logits = torch.arange(4 + IMAGENET_CLASSES, dtype=torch.float)
    classes, imagenet = split_logits(logits, 4)
    assert classes.tolist() == [0, 1, 2, 3]
    assert imagenet.shape == (IMAGENET_CLASSES,) and imagenet[0] == 4


def test_an_unexpected_width_is_an_error() -> None:
    with pytest.raises(ValueError, match="outputs"):
        split_logits(torch.zeros(10), 4)


def test_snake_evidence_is_the_probability_on_the_17_snake_classes() -> None:
    logits = torch.full((IMAGENET_CLASSES,), -20.0)
    logits[SNAKE_CLASSES] = 5.0
    assert float(snake_evidence(logits)) == pytest.approx(1.0)
    logits[SNAKE_CLASSES] = -20.0
    logits[0] = 5.0
    assert float(snake_evidence(logits)) == pytest.approx(0.0, abs=1e-6)
