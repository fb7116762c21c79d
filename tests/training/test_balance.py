"""Class balance: sampling weights and loss weights share the correction between them."""

import pytest

from training.data import sampling_weights

LABELS = ["coral_snake"] * 10 + ["other_snake"] * 40


def class_totals(weights: list[float]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for label, weight in zip(LABELS, weights, strict=True):
        totals[label] = totals.get(label, 0.0) + weight
    return totals


def test_no_balance_samples_as_the_data_lie() -> None:
    assert set(sampling_weights(LABELS, 0.0)) == {1.0}


def test_full_balance_draws_every_class_equally() -> None:
    totals = class_totals(sampling_weights(LABELS, 1.0))
    assert totals["coral_snake"] == pytest.approx(totals["other_snake"])


def test_half_balance_draws_by_the_square_root_of_class_size() -> None:
    totals = class_totals(sampling_weights(LABELS, 0.5))
    assert totals["coral_snake"] / totals["other_snake"] == pytest.approx((10 / 40) ** 0.5)
