"""What the bot does with each kind of message, in private chats and in groups.

In groups the bot keeps Telegram's default privacy mode and speaks only when asked: `/snake` or
`/identify` as a photo's caption or as a reply to a photo or image link, or a photo captioned with
the bot's @name. In a private chat every photo, image file and image link is checked.
"""

import logging
from dataclasses import dataclass
from html import escape

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatAction
from telegram.ext import ContextTypes

from bot.images import ImageFetcher, ImageFetchError, download_telegram_file, first_link
from bot.inference import InferenceService, Overloaded
from bot.replies import BUSY, FAILED, HELP, NOT_AN_IMAGE, NOTHING_TO_CHECK, reply_for
from model import UnreadableImage

logger = logging.getLogger(__name__)

SERVICES = "services"
IMAGE_FILE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif", ".gif", ".bmp", ".tif", ".tiff")
LINK_ENTITIES = [MessageEntity.URL, MessageEntity.TEXT_LINK]


@dataclass(frozen=True)
class Services:
    """What the handlers need besides Telegram, kept in `application.bot_data[SERVICES]`."""

    inference: InferenceService
    fetcher: ImageFetcher


class NoImage(Exception):
    """The message carries no photo, image file or link."""


async def show_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start and /help: what the bot does, how to use it in a group, and its limits."""
    await update.effective_message.reply_html(HELP, do_quote=False)


async def check_own_image(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A photo, image file or link (with a caption command or mention in groups): check it."""
    message = update.effective_message
    await answer_with_verdict(message, message, context)


async def check_replied_image(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/snake or /identify: check the link given with it, or the photo or link it replies to."""
    message = update.effective_message
    target = message if first_link(_links(message)) else message.reply_to_message
    if target is None or not carries_image(target):
        await message.reply_text(NOTHING_TO_CHECK, do_quote=True)
        return
    await answer_with_verdict(message, target, context)


async def hint_not_an_image(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Anything else in a private chat (a PDF, a voice message, a sticker): one short hint."""
    await update.effective_message.reply_text(NOT_AN_IMAGE, do_quote=True)


async def answer_with_verdict(request: Message, source: Message, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Classify the image in `source` and answer `request` with the verdict or a clear reason why not."""
    services: Services = context.bot_data[SERVICES]
    await request.chat.send_action(ChatAction.TYPING)
    try:
        data = await image_bytes(source, context, services.fetcher)
        verdict = await services.inference.classify(data)
        text = reply_for(verdict).as_html()
    except (ImageFetchError, UnreadableImage) as error:
        text = escape(str(error), quote=False)
    except NoImage:
        text = NOT_AN_IMAGE
    except Overloaded:
        text = BUSY
    await request.reply_html(text, do_quote=True)


async def image_bytes(message: Message, context: ContextTypes.DEFAULT_TYPE, fetcher: ImageFetcher) -> bytes:
    """The bytes of the image a message carries: its photo, its image file, or its first link."""
    if message.photo:
        largest = message.photo[-1]
        return await download_telegram_file(context.bot, largest.file_id, largest.file_size)
    if is_image_document(message):
        return await download_telegram_file(context.bot, message.document.file_id, message.document.file_size)
    link = first_link(_links(message))
    if link is None:
        raise NoImage()
    return await fetcher.fetch(link)


def carries_image(message: Message) -> bool:
    return bool(message.photo) or is_image_document(message) or first_link(_links(message)) is not None


def is_image_document(message: Message) -> bool:
    document = message.document
    if document is None:
        return False
    mime_type = (document.mime_type or "").lower()
    name = (document.file_name or "").lower()
    return mime_type.startswith("image/") or name.endswith(IMAGE_FILE_SUFFIXES)


def _links(message: Message) -> dict[MessageEntity, str]:
    return {**message.parse_entities(LINK_ENTITIES), **message.parse_caption_entities(LINK_ENTITIES)}


async def report_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log an unexpected failure once, with the update id, and tell the user something went wrong."""
    update_id = update.update_id if isinstance(update, Update) else None
    logger.error("update %s failed", update_id, exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        await update.effective_message.reply_text(FAILED, do_quote=True)
