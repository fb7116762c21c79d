"""Which language each person gets on Telegram: their own choice (/language), else their app's language.

The language is chosen here, once per update, and the handlers pass the matching `translations` down
to whatever writes words. In a group the reply is in the language of the person who asked.
"""

from gettext import NullTranslations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, ContextTypes

from bot.i18n import LANGUAGES, language_of_code, own_name, translations_for

LANGUAGE_CHOICES = "language_choices"
CHOICE_PREFIX = "language:"
CHOICE_PATTERN = rf"^{CHOICE_PREFIX}({'|'.join(LANGUAGES)})$"


class LanguageChoices:
    """Each user's chosen language, kept for the life of the process (a database may keep it later)."""

    def __init__(self) -> None:
        self._by_user: dict[int, str] = {}

    def get(self, user_id: int) -> str | None:
        return self._by_user.get(user_id)

    def set(self, user_id: int, language: str) -> None:
        self._by_user[user_id] = language


def language_command(translations: NullTranslations) -> str:
    """The /language command's name in one language (Telegram allows a-z, 0-9 and _ only)."""
    # Translators: the command people type to choose a language, in lower case a-z only ("idioma").
    return translations.gettext("language")


def language_commands() -> list[str]:
    """The command's name in every language: each one works for everybody."""
    return sorted({language_command(translations_for(language)) for language in LANGUAGES})


def keep_language_choices(application: Application, choices: LanguageChoices) -> None:
    application.bot_data[LANGUAGE_CHOICES] = choices


def language_of(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The language to answer `update` in: the sender's choice, else their Telegram app's language."""
    user = update.effective_user
    if user is None:
        return language_of_code(None)
    chosen = context.bot_data[LANGUAGE_CHOICES].get(user.id)
    return chosen or language_of_code(user.language_code)


def translations_of(update: Update, context: ContextTypes.DEFAULT_TYPE) -> NullTranslations:
    return translations_for(language_of(update, context))


async def offer_languages(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/language or /idioma: one button per language, each named in its own language."""
    translations = translations_of(update, context)
    buttons = [
        InlineKeyboardButton(own_name(language), callback_data=f"{CHOICE_PREFIX}{language}")
        for language in LANGUAGES
    ]
    await update.effective_message.reply_text(
        translations.gettext("Which language should I answer you in?"),
        reply_markup=InlineKeyboardMarkup([buttons]),
        do_quote=True,
    )


async def remember_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A language button: remember it for whoever pressed it, and confirm in that language."""
    query = update.callback_query
    language = query.data.removeprefix(CHOICE_PREFIX)
    context.bot_data[LANGUAGE_CHOICES].set(query.from_user.id, language)
    confirmation = translations_for(language).gettext("Done: I'll answer you in English.")
    await query.answer()
    await query.edit_message_text(confirmation)
