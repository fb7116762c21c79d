"""Builds the python-telegram-bot Application and registers the handlers, in one place."""

import re

from telegram import Message, MessageEntity
from telegram.ext import Application, CommandHandler, MessageHandler, filters

from bot import handlers
from bot.handlers import SERVICES, Services
from bot.settings import Settings

SNAKE_COMMANDS = ("snake", "identify")
CAPTION_COMMAND = re.compile(r"^/(snake|identify)(@\w+)?(\s|$)", re.IGNORECASE)


class _CaptionAddressesBot(filters.MessageFilter):
    """A caption that starts with /snake or /identify, or mentions this bot's @name."""

    def filter(self, message: Message) -> bool:
        caption = message.caption or ""
        if CAPTION_COMMAND.match(caption):
            return True
        username = message.get_bot().username
        mentions = message.parse_caption_entities([MessageEntity.MENTION]).values()
        return any(mention.lstrip("@").lower() == username.lower() for mention in mentions)


IMAGE_MESSAGE = filters.PHOTO | filters.Document.ALL
LINK = filters.Entity("url") | filters.Entity("text_link")
ADDRESSED_IMAGE = IMAGE_MESSAGE & _CaptionAddressesBot()
PRIVATE = filters.ChatType.PRIVATE
PRIVATE_IMAGE = PRIVATE & (IMAGE_MESSAGE | LINK)


def build_application(settings: Settings, services: Services) -> Application:
    """The Application that talks to the Bot API at the configured URLs; webhook mode has no updater."""
    builder = (
        Application.builder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_file_base_url)
        .concurrent_updates(True)
    )
    if settings.bot_mode == "webhook":
        builder = builder.updater(None)
    application = builder.build()
    application.bot_data[SERVICES] = services
    register_handlers(application)
    return application


def register_handlers(application: Application) -> None:
    """First match wins: commands, then addressed images, then private messages, then the hint."""
    application.add_handlers(
        [
            CommandHandler(["start", "help"], handlers.show_help),
            CommandHandler(list(SNAKE_COMMANDS), handlers.check_replied_image),
            MessageHandler(ADDRESSED_IMAGE, handlers.check_own_image),
            MessageHandler(PRIVATE_IMAGE, handlers.check_own_image),
            MessageHandler(PRIVATE & ~filters.StatusUpdate.ALL, handlers.hint_not_an_image),
        ]
    )
    application.add_error_handler(handlers.report_error)
