"""What Telegram shows about the bot before anyone writes to it: its commands and descriptions, per language.

English is registered as the default (no language code), every other language under its own code, so
Telegram shows each person the list in their app's language.
"""

from gettext import NullTranslations

from telegram import Bot, BotCommand

from bot.i18n import ENGLISH, LANGUAGES, translations_for
from bot.telegram.language_choice import language_command
from bot.telegram.place_words import where_command


async def describe_bot(bot: Bot) -> None:
    """Register the command list, the description and the short description in every language."""
    for language in LANGUAGES:
        translations = translations_for(language)
        language_code = "" if language == ENGLISH else language
        await bot.set_my_commands(commands(translations), language_code=language_code)
        await bot.set_my_description(description(translations), language_code=language_code)
        await bot.set_my_short_description(short_description(translations), language_code=language_code)


def commands(translations: NullTranslations) -> list[BotCommand]:
    return [
        BotCommand("help", translations.gettext("What this bot does and how to use it")),
        BotCommand("snake", translations.gettext("Check the photo or image link this replies to")),
        BotCommand(language_command(translations), translations.gettext("Choose the language I answer in")),
        BotCommand(where_command(translations), translations.gettext("Say where you see snakes")),
    ]


def description(translations: NullTranslations) -> str:
    return translations.gettext(
        "Send a photo of a banded snake and I'll tell you whether it is likely a venomous coral snake or "
        "a harmless mimic such as a kingsnake, milk snake or scarlet snake. A photo can fool me: keep "
        "your distance and never handle a snake. After a bite, call emergency services (911 in the US "
        "and Mexico)."
    )


def short_description(translations: NullTranslations) -> str:
    return translations.gettext("Coral snake or harmless mimic? Send a photo of the snake.")
