"""The catalogs: every sentence in the code has a finished translation whose placeholders match it."""

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import (
    ENGLISH,
    LANGUAGES,
    LOCALES,
    language_of_accept_language,
    language_of_code,
    translations_for,
)
from bot.telegram.language_choice import language_command
from bot.telegram.place_words import where_command

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = [language for language in LANGUAGES if language != ENGLISH]
PLACEHOLDER = re.compile(r"\{\w*\}|%\(\w+\)[sd]")
TAG = re.compile(r"</?\w+>")


def catalog(language: str) -> Catalog:
    with (LOCALES / language / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file)


def messages(language: str) -> list[Message]:
    return [message for message in catalog(language) if message.id]


def test_spanish_is_there() -> None:
    assert TRANSLATED == ["es"]


def test_every_sentence_in_the_code_is_in_every_catalog() -> None:
    """A sentence added to the code without `make translations` fails here, before users meet English."""
    in_code = {
        message_id if isinstance(message_id, str) else message_id[0]
        for directory in ("bot", "model")
        for _, _, message_id, _, _ in extract_from_dir(ROOT / directory, comment_tags=("Translators:",))
    }
    assert len(in_code) > 40
    for language in TRANSLATED:
        in_catalog = {
            message.id if isinstance(message.id, str) else message.id[0] for message in messages(language)
        }
        assert in_code - in_catalog == set(), language
        assert in_catalog - in_code == set(), language  # no stale sentences either


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_translation_is_finished_and_keeps_its_placeholders_and_tags(language: str) -> None:
    for message in messages(language):
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert not message.fuzzy, message.id
        assert all(string.strip() for string in strings), message.id
        for string in strings:
            assert sorted(PLACEHOLDER.findall(string)) == sorted(PLACEHOLDER.findall(ids[-1])), message.id
            assert sorted(TAG.findall(string)) == sorted(TAG.findall(ids[0])), message.id


@pytest.mark.parametrize("language", TRANSLATED)
def test_plural_forms_are_declared(language: str) -> None:
    plural = catalog(language)
    assert plural.num_plurals >= 2
    assert any(isinstance(message.id, tuple) for message in plural)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_language_command_is_a_valid_telegram_command(language: str) -> None:
    assert re.fullmatch(r"[a-z0-9_]{1,32}", language_command(translations_for(language)))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_where_command_is_a_valid_telegram_command(language: str) -> None:
    assert re.fullmatch(r"[a-z0-9_]{1,32}", where_command(translations_for(language)))


@pytest.mark.parametrize(
    ("code", "language"),
    [("es", "es"), ("es-MX", "es"), ("es_419", "es"), ("ES", "es"), ("en", "en"), ("pt-BR", "en"),
     (None, "en"), ("", "en"), ("estonian", "en")],
)  # fmt: skip
def test_app_language_codes(code: str | None, language: str) -> None:
    assert language_of_code(code) == language


@pytest.mark.parametrize(
    ("header", "language"),
    [("es-MX,es;q=0.9,en;q=0.8", "es"), ("en-US,en;q=0.9,es;q=0.8", "en"), ("fr-CA, es;q=0.5", "es"),
     ("de, en;q=0.3, es;q=0.7", "es"), ("es;q=0, en;q=0.1", "en"), ("*", "en"), ("", "en"),
     (";;q=x,,", "en")],
)  # fmt: skip
def test_accept_language(header: str, language: str) -> None:
    assert language_of_accept_language(header) == language
