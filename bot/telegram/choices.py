"""What each person chose, read once per update: the language they read and the place they see snakes in.

The feedback database keeps both choices by the hashed user id, so every process sees them and they
survive a restart. This process also keeps the choices made through it in memory, so a person is still
answered as they chose while the database is down or slow (the read gives up after half a second and
never delays a verdict): a value in the database wins, memory fills what it lacks. A /forget made through
another process reaches this one's memory only at its restart; the database forgets at once.
"""

from collections.abc import Awaitable
from contextlib import suppress
from dataclasses import dataclass, replace
from gettext import NullTranslations

from telegram import Update
from telegram.ext import Application, ContextTypes

from bot.feedback_service import FeedbackUnavailable
from bot.i18n import language_of_code, translations_for
from bot.telegram.identity import person_of
from bot.telegram.services import SERVICES, Services
from feedback import Preferences

REMEMBERED_CHOICES = "remembered_choices"


@dataclass(frozen=True)
class Chosen:
    """The language and place an update is answered with."""

    language: str
    place: str | None
    """A place code (model/places.py); None: not known, answered with the strict thresholds."""

    @property
    def translations(self) -> NullTranslations:
        return translations_for(self.language)


class RememberedChoices:
    """Each user's choices made through this process, by Telegram user id."""

    def __init__(self) -> None:
        self._by_user: dict[int, Preferences] = {}

    def get(self, user_id: int) -> Preferences:
        return self._by_user.get(user_id, Preferences())

    def set(self, user_id: int, **choice: str) -> None:
        """Remember `place=` or `language=` for `user_id`."""
        self._by_user[user_id] = replace(self.get(user_id), **choice)

    def forget(self, user_id: int) -> None:
        self._by_user.pop(user_id, None)


def keep_remembered_choices(application: Application, choices: RememberedChoices) -> None:
    application.bot_data[REMEMBERED_CHOICES] = choices


def remembered(context: ContextTypes.DEFAULT_TYPE) -> RememberedChoices:
    return context.bot_data[REMEMBERED_CHOICES]


async def chosen_for(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Chosen:
    """The sender's language (their choice, else their Telegram app's) and place (None if never said).

    One database read: call it once per update and pass the result down.
    """
    user = update.effective_user
    person = person_of(update.effective_message, user)
    if user is None or person is None:  # a chat speaking as itself: nothing is remembered for it
        return Chosen(language_of_code(user.language_code if user else None), None)
    feedback = _services(context).feedback
    stored = Preferences()
    if feedback is not None:
        stored = await feedback.preferences(person)
    kept = remembered(context).get(person)
    language = stored.language or kept.language or language_of_code(user.language_code)
    return Chosen(language, stored.place or kept.place)


def chosen_in_memory(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Chosen:
    """The sender's choices as this process remembers them, without the database: for error replies."""
    user = update.effective_user
    if user is None:
        return Chosen(language_of_code(None), None)
    kept = remembered(context).get(user.id)
    return Chosen(kept.language or language_of_code(user.language_code), kept.place)


async def remember_place(context: ContextTypes.DEFAULT_TYPE, user_id: int, place: str) -> None:
    """Keep a place code for `user_id`, in memory at once and in the database when it is up."""
    remembered(context).set(user_id, place=place)
    if (feedback := _services(context).feedback) is not None:
        await _kept(feedback.remember_place(user_id, place))


async def remember_language(context: ContextTypes.DEFAULT_TYPE, user_id: int, language: str) -> None:
    """Keep a language for `user_id`, in memory at once and in the database when it is up."""
    remembered(context).set(user_id, language=language)
    if (feedback := _services(context).feedback) is not None:
        await _kept(feedback.remember_language(user_id, language))


async def _kept(saving: Awaitable[None]) -> None:
    """The choice kept in the database too; with it down, this process still remembers (the service logs)."""
    with suppress(FeedbackUnavailable):
        await saving


def _services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.bot_data[SERVICES]
