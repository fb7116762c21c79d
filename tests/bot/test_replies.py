"""Every verdict gets a headline, an honest confidence and the safety caveat that fits it."""

import pytest

from bot.replies import reply_for
from model import LABELS, Verdict

PROBABILITIES = {"coral_snake": 0.1, "kingsnake": 0.7, "other_snake": 0.1, "no_snake": 0.1}


@pytest.mark.parametrize("label", LABELS)
def test_each_label_has_words_and_a_caveat(label: str) -> None:
    best_guess = "kingsnake" if label == "uncertain" else label
    reply = reply_for(Verdict(label, best_guess, 0.7, PROBABILITIES))
    assert reply.verdict and reply.caveat
    assert "70%" in reply.confidence
    if label != "no_snake":
        assert "never handle" in reply.caveat
        assert "emergency services" in reply.caveat


def test_harmless_verdict_still_warns() -> None:
    reply = reply_for(Verdict("kingsnake", "kingsnake", 0.99, PROBABILITIES))
    assert reply.verdict == "Likely a harmless scarlet kingsnake"
    assert "not a guarantee" in reply.confidence
    assert "can fool any model" in reply.caveat


def test_uncertain_says_treat_it_as_venomous_and_names_the_guess() -> None:
    reply = reply_for(Verdict("uncertain", "kingsnake", 0.71, PROBABILITIES))
    assert reply.verdict == "Can't tell from this photo: treat it as venomous"
    assert reply.confidence.startswith("Best guess: scarlet kingsnake at 71%")
