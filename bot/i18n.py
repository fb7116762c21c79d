"""The languages the bot speaks and their gettext catalogs (one domain, `messages`, in bot/locales).

English is the source language: its words are the message ids, so English needs no catalog. The
Spanish catalog is `bot/locales/es/LC_MESSAGES/messages.po`, compiled to `.mo` by `make install` and
the Dockerfile. Which language a person gets is decided by `bot.telegram.language_choice` (Telegram) and by
`language_of_request` (the web page and the API).
"""

import gettext
from functools import cache
from pathlib import Path

LOCALES = Path(__file__).parent / "locales"
DOMAIN = "messages"
ENGLISH = "en"
LANGUAGES = (ENGLISH, *sorted(path.parents[1].name for path in LOCALES.glob(f"*/LC_MESSAGES/{DOMAIN}.po")))
"""Every language with words for users, English (the default) first: a new language is one more .po file."""


class CatalogMissing(RuntimeError):
    """A language's .po file was never compiled to .mo."""


@cache
def translations_for(language: str) -> gettext.NullTranslations:
    """The catalog of `language` (one of LANGUAGES), loaded once; English is the untranslated text."""
    if language == ENGLISH:
        return gettext.NullTranslations()
    try:
        return gettext.translation(DOMAIN, LOCALES, languages=[language])
    except FileNotFoundError as error:
        raise CatalogMissing(
            f"no compiled catalog for {language!r} in {LOCALES}: run `make install` "
            f"(or `pybabel compile -d {LOCALES} -D {DOMAIN}`)"
        ) from error


def own_name(language: str) -> str:
    """A language's name as its speakers write it, whatever language the person reads now."""
    # Translators: the name of the language of this catalog, written in that language ("Español").
    return translations_for(language).gettext("English")


def language_of_code(language_code: str | None) -> str:
    """The language for an IETF tag such as Telegram's `language_code` ("es", "es-MX"); else English."""
    primary = (language_code or "").split("-")[0].split("_")[0].strip().lower()
    return primary if primary in LANGUAGES else ENGLISH


def language_of_accept_language(header: str) -> str:
    """The first language of ours in an Accept-Language header, by its q-values; else English."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")):
        tag, *parameters = (part.strip() for part in item.split(";"))
        primary = tag.split("-")[0].lower()
        if primary in LANGUAGES and (quality := _quality(parameters)) > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else ENGLISH


def _quality(parameters: list[str]) -> float:
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def language_of_request(asked: str | None, accept_language: str) -> str:
    """An explicit choice (`?lang=`) if it is one of ours, else what the browser prefers."""
    if asked in LANGUAGES:
        return asked
    return language_of_accept_language(accept_language)
