"""Every verdict gets a headline, an honest confidence and the safety caveat that fits it, in each
language."""

from gettext import NullTranslations

import pytest

from bot.i18n import translations_for
from bot.replies import busy, reply_for
from model import CLASSES, LABELS, Verdict

PROBABILITIES = {"coral_snake": 0.1, "kingsnake": 0.7, "other_snake": 0.1, "no_snake": 0.1}
ENGLISH = NullTranslations()
SPANISH = translations_for("es")


@pytest.mark.parametrize("label", LABELS)
def test_each_label_has_words_and_a_caveat(label: str) -> None:
    best_guess = "kingsnake" if label == "uncertain" else label
    reply = reply_for(Verdict(label, best_guess, 0.7, PROBABILITIES), ENGLISH)
    assert reply.verdict and reply.caveat
    assert "70%" in reply.confidence
    if label != "no_snake":
        assert "never handle" in reply.caveat
        assert "emergency services" in reply.caveat


def test_no_snake_says_how_sure_the_snake_detector_is() -> None:
    verdict = Verdict("no_snake", "no_snake", 0.55, PROBABILITIES, detector_no_snake=0.93)
    assert "93%" in reply_for(verdict, ENGLISH).confidence  # what the policy held to its threshold


def test_harmless_verdict_names_the_mimics_and_still_warns() -> None:
    reply = reply_for(Verdict("kingsnake", "kingsnake", 0.99, PROBABILITIES), ENGLISH)
    assert reply.verdict == "Likely a harmless coral snake mimic (a kingsnake, milk snake or scarlet snake)"
    assert "not a guarantee" in reply.confidence
    assert "can fool any model" in reply.caveat


@pytest.mark.parametrize("best_guess", CLASSES)
def test_uncertain_names_no_guess_and_says_how_to_take_a_better_photo(best_guess: str) -> None:
    """Whatever the network ranked first, "can't tell" never names it: a harmless name would reassure,
    and a dangerous one adds nothing to "treat it as venomous"."""
    reply = reply_for(Verdict("uncertain", best_guess, 0.67, PROBABILITIES), ENGLISH)
    assert reply.verdict == "Can't tell from this photo: treat it as venomous"
    assert reply.confidence == "The model's confidence (67%) is too low to tell what this is."
    words = f"{reply.verdict} {reply.confidence} {reply.caveat}".lower()
    for name in ("kingsnake", "milk snake", "scarlet snake", "mimic", "no snake", "best guess", "harmless"):
        assert name not in words
    for advice in (
        "safe distance",
        "zoom in rather than get closer",
        "bands and the head",
        "daylight",
        "sharp",
    ):
        assert advice in reply.caveat
    assert "several photos" in reply.caveat


def test_spanish_uses_mexican_names_and_keeps_the_safety_meaning() -> None:
    coral = reply_for(Verdict("coral_snake", "coral_snake", 0.9, PROBABILITIES), SPANISH)
    mimic = reply_for(Verdict("kingsnake", "kingsnake", 0.9, PROBABILITIES), SPANISH)
    assert coral.verdict == "Probablemente un coralillo venenoso"
    assert mimic.verdict.startswith("Probablemente una falsa coralillo inofensiva")
    assert "no una garantía" in coral.confidence
    for caveat in (coral.caveat, mimic.caveat):
        assert "911 en México y EE. UU." in caveat
        assert "no cortes, no succiones, no pongas hielo ni amarres" in caveat
        assert "«red touches yellow»" in caveat and "solo vale para los coralillos de Norteamérica" in caveat


def test_spanish_uncertain_advice() -> None:
    reply = reply_for(Verdict("uncertain", "kingsnake", 0.67, PROBABILITIES), SPANISH)
    assert reply.verdict == "No se puede saber con esta foto: trátala como venenosa"
    assert "67%" in reply.confidence
    assert "usa el zoom en vez de acercarte" in reply.caveat and "varias fotos" in reply.caveat
    assert "falsa" not in reply.caveat and "culebra" not in reply.caveat


def test_busy_shows_its_number_with_the_plural_form() -> None:
    assert busy(ENGLISH).endswith("again in 1 minute.")
    assert busy(SPANISH).endswith("en 1 minuto.")
    busy_id = (
        "I'm busy with many photos right now. Please send yours again in {count} minute.",
        "I'm busy with many photos right now. Please send yours again in {count} minutes.",
    )
    assert SPANISH.ngettext(*busy_id, 2).format(count=2).endswith("en 2 minutos.")
