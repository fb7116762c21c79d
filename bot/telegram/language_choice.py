"""Which language each person gets on Telegram: their own choice (/language), else their app's language.

The language is chosen once per update (bot/telegram/choices.py, which also keeps the choice in the
database) and the handlers pass the matching `translations` down to whatever writes words. In a group
the reply is in the language of the person who asked.
"""

import re
from gettext import NullTranslations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.i18n import LANGUAGES, own_name, translations_for
from bot.telegram.choices import chosen_for, remember_language

CHOICE_PREFIX = "language:"
CHOICE_PATTERN = re.compile(rf"{CHOICE_PREFIX}({'|'.join(LANGUAGES)})\Z")
"""Anchored at both ends (`\\Z`, not `$`, which would let a trailing newline through)."""


def language_command(translations: NullTranslations) -> str:
    """The /language command's name in one language (Telegram allows a-z, 0-9 and _ only)."""
    # Translators: the command people type to choose a language, in lower case a-z only ("idioma").
    return translations.gettext("language")


def language_commands() -> list[str]:
    """The command's name in every language: each one works for everybody."""
    return sorted({language_command(translations_for(language)) for language in LANGUAGES})


async def offer_languages(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/language or /idioma: one button per language, each named in its own language."""
    translations = (await chosen_for(update, context)).translations
    buttons = [
        InlineKeyboardButton(own_name(language), callback_data=f"{CHOICE_PREFIX}{language}")
        for language in LANGUAGES
    ]
    await update.effective_message.reply_text(
        translations.gettext("Which language should I answer you in?"),
        reply_markup=InlineKeyboardMarkup([buttons]),
        do_quote=True,
    )


async def choose_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A language button: remember it for whoever pressed it, and confirm in that language."""
    query = update.callback_query
    language = context.matches[0].group(1)
    await remember_language(context, query.from_user.id, language)
    confirmation = translations_for(language).gettext("Done: I'll answer you in English.")
    await query.answer()
    await query.edit_message_text(confirmation)
