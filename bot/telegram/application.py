"""Builds the python-telegram-bot Application and registers the handlers, in one place."""

import re
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Message, MessageEntity
from telegram.error import TimedOut
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.retry import call_with_retries
from bot.settings import Settings
from bot.telegram import handlers
from bot.telegram.bot_api_client import AiohttpRequest
from bot.telegram.choices import RememberedChoices, keep_remembered_choices
from bot.telegram.feedback import feedback_handlers
from bot.telegram.handlers import SERVICES, Services
from bot.telegram.language_choice import CHOICE_PATTERN, choose_language, language_commands, offer_languages
from bot.telegram.place_words import SEEN_DATA, WHERE_DATA, where_commands
from bot.telegram.places import choose_place, offer_places, take_location
from bot.telegram.regional import answer_for_place

SNAKE_COMMANDS = ("snake", "identify")
CONCURRENT_UPDATES = 1024
"""Updates handled at once: more than the inference queue admits, so a flood gets "busy" at once
instead of waiting unseen in PTB's update queue."""
BOT_API_TIMEOUT_SECONDS = 10.0
"""Each phase of one Bot API call (waiting for a connection, connecting, sending, reading) may take this
long (None in a phase: no limit)."""
CONNECTIONS = 32
"""HTTP connections to the Bot API: ~300 calls a second at Telegram's ~100 ms round trip, 10x what a
flood needs."""
OVERALL_MESSAGES_PER_SECOND = 30.0
"""Telegram's documented limit on a bot's messages across all chats."""
RETRY_AFTER_LIMIT = 5
"""Times a call is retried after Telegram answers 429 "retry after N seconds"."""
TIMEOUT_RETRIES = 2
"""Times a call is made again after its request timed out (getFile, sendMessage...): for a message, a
rare duplicate beats a lost verdict."""
PASSED_THROUGH = frozenset({"sendChatAction", "getUpdates"})
"""Neither limited nor retried: a lost "typing" costs nothing, and the updater polls again by itself."""
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


class PatientRateLimiter(AIORateLimiter):
    """Keeps to Telegram's flood limits and loses no message to a 429 or a timed-out request.

    Messages keep to AIORateLimiter's limits (30 a second overall, 20 a minute per group; calls
    without a chat, such as getFile, are not limited) and wait out a 429's retry_after; a call whose
    request timed out is made again.
    """

    def __init__(self, overall_max_rate: float = 30) -> None:
        super().__init__(overall_max_rate=overall_max_rate, max_retries=RETRY_AFTER_LIMIT)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        if endpoint in PASSED_THROUGH:
            return await callback(*args, **kwargs)
        return await call_with_retries(
            lambda: super(PatientRateLimiter, self).process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            ),
            (TimedOut,),
            TIMEOUT_RETRIES + 1,
            endpoint,
            pause=0.5,
        )


def build_application(settings: Settings, services: Services) -> Application:
    """The Application that talks to the Bot API at the configured URLs; webhook mode has no updater."""
    builder = (
        Application.builder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_file_base_url)
        .concurrent_updates(CONCURRENT_UPDATES)
        .request(AiohttpRequest(CONNECTIONS, BOT_API_TIMEOUT_SECONDS))
        .rate_limiter(PatientRateLimiter(OVERALL_MESSAGES_PER_SECOND))
    )
    if settings.bot_mode == "webhook":
        builder = builder.updater(None)
    else:
        builder = builder.get_updates_request(AiohttpRequest(1, BOT_API_TIMEOUT_SECONDS))
    application = builder.build()
    application.bot_data[SERVICES] = services
    keep_remembered_choices(application, RememberedChoices())
    register_handlers(application)
    return application


def register_handlers(application: Application) -> None:
    """First match wins: commands and buttons (a press nothing else takes is answered and ignored), then
    addressed images, then private messages (images, locations), then the hint."""
    application.add_handlers(
        [
            CommandHandler(["start", "help"], handlers.show_help),
            *feedback_handlers(),
            CommandHandler(list(SNAKE_COMMANDS), handlers.check_replied_image),
            CommandHandler(language_commands(), offer_languages),
            CallbackQueryHandler(choose_language, pattern=CHOICE_PATTERN),
            CommandHandler(where_commands(), offer_places),
            CallbackQueryHandler(choose_place, pattern=WHERE_DATA),
            CallbackQueryHandler(answer_for_place, pattern=SEEN_DATA),
            CallbackQueryHandler(handlers.answer_unknown_button),
            MessageHandler(ADDRESSED_IMAGE, handlers.check_own_image),
            MessageHandler(PRIVATE_IMAGE, handlers.check_own_image),
            MessageHandler(PRIVATE & filters.LOCATION, take_location),
            MessageHandler(PRIVATE & ~filters.StatusUpdate.ALL, handlers.hint_not_an_image),
        ]
    )
    application.add_error_handler(handlers.report_error)
