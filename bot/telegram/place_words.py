"""The words and buttons of places: /where, its place buttons, the location button, and the place notes.

Two kinds of buttons name places, and their callback data say all a press needs, so any process can take
it (each fits Telegram's 64 bytes, and the patterns are anchored at both ends):
- `where:<CODE>` remembers a place; `where:states:<COUNTRY>` shows the country's states first (/where).
- `seen:<classification id>:<CODE>` answers that verdict again for a place and remembers it;
  `seen:<classification id>:states:<COUNTRY>` shows the states first (under a verdict, "Where did you
  see it?").
"""

import re
from gettext import NullTranslations
from html import escape

from telegram import InlineKeyboardButton, KeyboardButton, ReplyKeyboardMarkup

from bot.i18n import LANGUAGES, translations_for
from bot.replies import place_name
from model.places import range_table

TOP_PLACES = ("US", "MX", "QS", "ZZ")
"""The first choices: the places the range table tells apart, and what a person can say without a country."""
WHERE_PREFIX = "where"
SEEN_PREFIX = "seen"
CLASSIFICATION_ID = r"[A-Za-z0-9_-]{1,32}"


def states_of(country: str) -> list[str]:
    """The codes of the states whose own row in the range table differs from their country's."""
    return [code for code in range_table() if code.startswith(f"{country}-")]


def _choice_pattern() -> str:
    """Every place a button may name, and the countries whose states a button may open."""
    with_states = [country for country in TOP_PLACES if states_of(country)]
    codes = [*TOP_PLACES, *(state for country in with_states for state in states_of(country))]
    return rf"(?:states:(?P<country>{'|'.join(with_states)})|(?P<code>{'|'.join(map(re.escape, codes))}))\Z"


WHERE_DATA = re.compile(rf"{WHERE_PREFIX}:{_choice_pattern()}")
SEEN_DATA = re.compile(rf"{SEEN_PREFIX}:(?P<classification_id>{CLASSIFICATION_ID}):{_choice_pattern()}")


def where_command(translations: NullTranslations) -> str:
    """The /where command's name in one language (Telegram allows a-z, 0-9 and _ only)."""
    # Translators: the command people type to say where they see snakes, in lower case a-z only ("donde").
    return translations.gettext("where")


def where_commands() -> list[str]:
    """The command's name in every language: each one works for everybody."""
    return sorted({where_command(translations_for(language)) for language in LANGUAGES})


def place_rows(prefix: str, language: str) -> list[list[InlineKeyboardButton]]:
    """The first choices, two a row; a country with states of its own opens them instead of being chosen.

    `prefix` is `where` or `seen:<classification id>`.
    """
    buttons = [
        InlineKeyboardButton(
            place_name(code, language),
            callback_data=f"{prefix}:states:{code}" if states_of(code) else f"{prefix}:{code}",
        )
        for code in TOP_PLACES
    ]
    return [buttons[:2], buttons[2:]]


def state_rows(prefix: str, country: str, language: str) -> list[list[InlineKeyboardButton]]:
    """The country's states, by name, two a row, then "Another state" (the country itself)."""
    names = {code: range_table()[code].name(language) for code in states_of(country)}
    buttons = [
        InlineKeyboardButton(name, callback_data=f"{prefix}:{code}")
        for code, name in sorted(names.items(), key=lambda item: item[1])
    ]
    another = translations_for(language).gettext("Another state")
    rows = [buttons[start : start + 2] for start in range(0, len(buttons), 2)]
    return [*rows, [InlineKeyboardButton(another, callback_data=f"{prefix}:{country}")]]


def location_keyboard(translations: NullTranslations) -> ReplyKeyboardMarkup:
    """One button that sends the person's location (private chats only), gone once used."""
    button = KeyboardButton(translations.gettext("Send my location"), request_location=True)
    return ReplyKeyboardMarkup([[button]], resize_keyboard=True, one_time_keyboard=True)


def where_question(place: str | None, language: str) -> str:
    """/where: the question, and the place used now."""
    _ = translations_for(language).gettext
    question = _(
        "Where do you see the snakes you ask me about? The answer can depend on the place: "
        '"red touches yellow" holds for every coral snake of some places, not of others.'
    )
    if place is None:
        now = _("Now I know no place, so I answer as strictly as for anywhere.")
    else:
        now = _("Now: {place}.").format(place=place_name(place, language))
    return f"{question}\n\n{now}"


def which_state(country: str, language: str) -> str:
    return (
        translations_for(language)
        .gettext("Where in {country}?")
        .format(country=place_name(country, language))
    )


def location_offer(translations: NullTranslations) -> str:
    return translations.gettext(
        "Or send me your location with the button below. I keep only the place's code (such as US-TX), "
        "never the position."
    )


def place_chosen(place: str, language: str) -> str:
    """The confirmation of a place: which one, and how to change it."""
    return (
        translations_for(language)
        .gettext("Got it. Place: {place}. I'll answer for a snake seen there. To change it: /where")
        .format(place=place_name(place, language))
    )


def unknown_location(translations: NullTranslations) -> str:
    return translations.gettext(
        "I couldn't tell where that is: it may be at sea or far from any town I know. "
        "Pick a place instead, or use /where later."
    )


def place_note(place: str, language: str, from_photo: bool) -> str:
    """Under a verdict answered for a place: which place, and where it came from."""
    _ = translations_for(language).gettext
    name = place_name(place, language)
    if from_photo:
        return _("Place: {place}, from where the photo was taken (for this photo only).").format(place=name)
    return _("Place: {place} (answered for a snake seen there). To change it: /where").format(place=name)


def where_asked(translations: NullTranslations) -> str:
    """Under a verdict that the place could change, with the place buttons."""
    return translations.gettext(
        "Where did you see it? The answer can depend on the place: tap one and I'll answer this photo "
        "again for it."
    )


def asked_html(translations: NullTranslations) -> str:
    """The question as it ends a verdict's message (HTML)."""
    return f"\n\n<b>{escape(where_asked(translations), quote=False)}</b>"


def without_question(verdict_html: str, translations: NullTranslations) -> str:
    """A verdict's message without "Where did you see it?": once the verdict is answered it is not asked.

    Telegram gives the message back as text and entities; `text_html` makes the bold a tag again and may
    escape quotes as we did not: every such form goes.
    """
    for quote in (False, True):
        question = escape(where_asked(translations), quote=quote)
        for form in (f"\n\n<b>{question}</b>", f"\n\n{question}"):
            verdict_html = verdict_html.replace(form, "")
    return verdict_html


def album_where_asked(translations: NullTranslations) -> str:
    """Under an album's verdict that the place could change (its photos are not kept to answer again)."""
    return translations.gettext(
        "Where did you see it? The answer can depend on the place: tell me with /where, then send the "
        "photos again."
    )


def answered_for(place: str, language: str) -> str:
    """The short notice after a place button under a verdict."""
    return (
        translations_for(language).gettext("Answered for {place}.").format(place=place_name(place, language))
    )
