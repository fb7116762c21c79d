"""The words people read: a verdict becomes a headline, a confidence and a safety caveat.

The confidence is always worded as the model's estimate, never as a guarantee, and every verdict that
involves a snake says what to do: keep away, never handle it, call emergency services after a bite.
"Can't tell" never reads as reassurance: an uncertain verdict names no best guess, it says how to take
a photo the bot can judge. Every sentence goes through `translations` (see bot/i18n.py).
"""

from dataclasses import dataclass
from functools import cache
from gettext import NullTranslations
from html import escape

from babel import Locale, UnknownLocaleError

from bot.images import ImageFetchError
from model import UnreadableImage, Verdict
from model.places import place_for, range_table

BOT_NAME = "Coral Snake Check"
BUSY_RETRY_MINUTES = 1
"""How long a busy bot asks people (and API clients, in Retry-After) to wait."""


@dataclass(frozen=True)
class Reply:
    """A reply split into the parts the API and the web page show separately."""

    verdict: str
    confidence: str
    caveat: str

    def as_html(self) -> str:
        return "<b>{}</b>\n{}\n\n{}".format(
            *(escape(part, quote=False) for part in (self.verdict, self.confidence, self.caveat))
        )


def reply_for(verdict: Verdict, translations: NullTranslations) -> Reply:
    """The words for `verdict`."""
    percent = f"{verdict.sureness:.0%}"
    if verdict.label == "uncertain":
        confidence = translations.gettext(
            "The model's confidence ({percent}) is too low to tell what this is."
        ).format(percent=percent)
    else:
        confidence = translations.gettext(
            "Model confidence: {percent} (an estimate, not a guarantee)."
        ).format(percent=percent)
    return Reply(
        verdict=headline(verdict.label, translations),
        confidence=confidence,
        caveat=" ".join(_caveat(verdict.label, translations)),
    )


def headline(label: str, translations: NullTranslations) -> str:
    return {
        "coral_snake": translations.gettext("Likely a venomous coral snake"),
        "kingsnake": translations.gettext(
            "Likely a harmless coral snake mimic (a kingsnake, milk snake or scarlet snake)"
        ),
        "other_snake": translations.gettext("A snake this bot cannot identify"),
        "no_snake": translations.gettext("No snake found in this photo"),
        "uncertain": translations.gettext("Can't tell from this photo: treat it as venomous"),
    }[label]


def _caveat(label: str, translations: NullTranslations) -> list[str]:
    """The caveat's sentences: what to do about this verdict, then what to do after a bite."""
    keep_away = translations.gettext("Keep your distance and never handle it.")
    after_a_bite = translations.gettext(
        "After a bite: call emergency services (911 in the US and Mexico) at once, keep still and calm, "
        "remove rings and tight clothing; don't cut, suck, ice or tie off the bite."
    )
    rhyme_limit = translations.gettext('"Red touches yellow" only holds for North American coral snakes.')
    if label == "no_snake":
        return [
            translations.gettext(
                "A snake small or far off in a photo can be missed. If you did see one, zoom in on it "
                "rather than step closer, and send that photo. Keep your distance meanwhile."
            )
        ]
    if label == "other_snake":
        return [
            translations.gettext(
                "This bot only knows coral snakes and their banded mimics of the Americas; "
                "this snake may still be venomous."
            ),
            keep_away,
            after_a_bite,
        ]
    if label == "kingsnake":
        return [
            translations.gettext(
                "A photo can fool any model: keep your distance anyway and never handle a wild snake."
            ),
            after_a_bite,
            rhyme_limit,
        ]
    if label == "uncertain":
        return [keep_away, better_photo_advice(translations), after_a_bite, rhyme_limit]
    return [keep_away, after_a_bite, rhyme_limit]


def better_photo_advice(translations: NullTranslations) -> str:
    """What an uncertain photo lacks, and how to take one the bot can judge without going near."""
    return translations.gettext(
        "The photo doesn't show the bands and the head clearly enough. From a safe distance, zoom in "
        "rather than get closer, and take a sharp photo in daylight with the bands and the head visible, "
        "or send several photos."
    )


def help_text(translations: NullTranslations) -> str:
    """/start and /help, in Telegram's HTML."""
    return translations.gettext(
        "<b>{bot_name}</b> tells a venomous coral snake from its harmless banded mimics (kingsnakes, milk "
        "snakes, scarlet snakes) in a photo.\n\n"
        "<b>Private chat:</b> send a photo, an image file (JPEG, PNG, WebP, HEIC) or a link to an image.\n"
        "<b>Groups:</b> reply <code>/snake</code> to a photo or image link, or send a photo with "
        "<code>/snake</code> (or my @name) as its caption.\n"
        "<b>Language:</b> /language chooses the language I answer in.\n"
        "<b>Place:</b> /where tells me where you see snakes: the answer can depend on the place.\n\n"
        "<b>Limits:</b> I only know coral snakes and their banded mimics of the Americas; other snakes "
        "come back as unidentified. A photo can fool me: never handle a snake because of my answer. "
        "After a bite, call emergency services (911).\n\n"
        "<b>Teach me:</b> press Right or Wrong under a verdict. /privacy says what is kept; "
        "/forget deletes it."
    ).format(bot_name=BOT_NAME)


def not_an_image(translations: NullTranslations) -> str:
    return translations.gettext(
        "Send me a photo of the snake (or an image file or image link), and I'll check it."
    )


def nothing_to_check(translations: NullTranslations) -> str:
    return translations.gettext(
        "Reply /snake to a photo or image link, or send a photo with /snake as its caption."
    )


def busy(translations: NullTranslations) -> str:
    return translations.ngettext(
        "I'm busy with many photos right now. Please send yours again in {count} minute.",
        "I'm busy with many photos right now. Please send yours again in {count} minutes.",
        BUSY_RETRY_MINUTES,
    ).format(count=BUSY_RETRY_MINUTES)


def failed(translations: NullTranslations) -> str:
    return translations.gettext("Sorry, something went wrong while checking this photo. Please try again.")


def image_error(error: ImageFetchError | UnreadableImage, translations: NullTranslations) -> str:
    """Why an image could not be had or read, in the user's words (the message was marked with N_)."""
    if isinstance(error, ImageFetchError):
        return translations.gettext(error.message).format(**error.values)
    return translations.gettext(str(error))


def place_name(code: str, language: str) -> str:
    """A place code as people read it, in `language`: "Sonora, Mexico" for a state the range table names,
    the country's name for a state it doesn't ("United States" for `US-TX`), else the code itself."""
    country = code.split("-", 1)[0]
    own_row = range_table().get(code)
    country_row = place_for(country)
    if own_row is not None and own_row.code != country and country_row is not None:
        return f"{own_row.name(language)}, {country_row.name(language)}"
    if country_row is not None:
        return country_row.name(language)
    return _territory_names(language).get(country, code)


@cache
def _territory_names(language: str) -> dict[str, str]:
    """Babel's (CLDR's) country names in `language`: for places beyond the range table, such as `FR`."""
    try:
        return dict(Locale.parse(language).territories)
    except (UnknownLocaleError, ValueError):
        return {}
