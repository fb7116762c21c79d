"""What the bot does with each kind of message, in private chats and in groups.

In groups the bot keeps Telegram's default privacy mode and speaks only when asked: `/snake` or
`/identify` as a photo's caption or as a reply to a photo or image link, or a photo captioned with
the bot's @name. In a private chat every photo, image file and image link is checked.
"""

import asyncio
import logging
import traceback
from collections.abc import Sequence
from gettext import NullTranslations
from html import escape

from telegram import InlineKeyboardMarkup, Message, MessageEntity, PhotoSize, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.images import ImageFetcher, ImageFetchError, download_telegram_file, first_link
from bot.inference import Overloaded
from bot.places import place_of_photo
from bot.replies import busy, failed, help_text, image_error, not_an_image, nothing_to_check
from bot.telegram.album_replies import album_reply, late_for_album_note, seen_alone_note
from bot.telegram.albums import Outcome
from bot.telegram.choices import Chosen, chosen_for, chosen_in_memory
from bot.telegram.feedback import feedback_buttons
from bot.telegram.regional import AnsweredPlace, album_place_words, verdict_message
from bot.telegram.services import SERVICES, Services
from model import Classified, UnreadableImage, Verdict
from model.albums import combine

logger = logging.getLogger(__name__)

IMAGE_FILE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif", ".gif", ".bmp", ".tif", ".tiff")
LINK_ENTITIES = [MessageEntity.URL, MessageEntity.TEXT_LINK]


class NoImage(Exception):
    """The message carries no photo, image file or link."""


async def show_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start and /help: what the bot does, how to use it in a group, and its limits."""
    translations = (await chosen_for(update, context)).translations
    await update.effective_message.reply_html(help_text(translations), do_quote=False)


async def check_own_image(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A photo, image file or link (with a caption command or mention in groups): check it.

    A photo of an album is answered with the album in a private chat; in a group Telegram shows the
    bot only the captioned photo of an album, and the answer says so.
    """
    message = update.effective_message
    # Read while an album's photo joins its album: with no wait before joining, the photos open it in the
    # order they came.
    chosen = asyncio.ensure_future(chosen_for(update, context))
    if message.media_group_id is None:
        await answer_with_verdict(message, message, context, await chosen)
    elif message.chat.type == ChatType.PRIVATE:
        await answer_album(message, context, chosen)
    else:
        note = seen_alone_note((await chosen).translations)
        await answer_with_verdict(message, message, context, await chosen, note=note)


async def check_replied_image(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/snake or /identify: check the link given with it, or the photo or link it replies to."""
    message = update.effective_message
    chosen = await chosen_for(update, context)
    target = message if first_link(_links(message)) else message.reply_to_message
    if target is None or not carries_image(target):
        await message.reply_text(nothing_to_check(chosen.translations), do_quote=True)
        return
    await answer_with_verdict(message, target, context, chosen)


async def hint_not_an_image(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Anything else in a private chat (a PDF, a voice message, a sticker): one short hint; in an album
    (a video beside photos), one line of the album's reply."""
    message = update.effective_message
    if message.media_group_id is not None and message.chat.type == ChatType.PRIVATE:
        await answer_album(message, context, asyncio.ensure_future(chosen_for(update, context)))
        return
    translations = (await chosen_for(update, context)).translations
    await message.reply_text(not_an_image(translations), do_quote=True)


async def answer_with_verdict(
    request: Message,
    source: Message,
    context: ContextTypes.DEFAULT_TYPE,
    chosen: Chosen,
    note: str = "",
) -> None:
    """Classify the image in `source` and answer `request` with the verdict or a clear reason why not.

    A verdict comes with the Right / Wrong feedback buttons (bot/telegram/feedback.py), and says the
    place it answers for or asks where the snake was seen (bot/telegram/regional.py).
    """
    services: Services = context.bot_data[SERVICES]
    async with services.typing.while_slow(request):
        photo = await fetch_image(source, context, chosen.translations)
        if isinstance(photo, str):
            text, buttons = escape(photo, quote=False), None
        else:
            text, buttons = await answer_photo(request, source, photo, context, chosen)
    await request.reply_html(f"{text}\n\n{note}" if note else text, do_quote=True, reply_markup=buttons)


async def answer_photo(
    request: Message, source: Message, photo: bytes, context: ContextTypes.DEFAULT_TYPE, chosen: Chosen
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The verdict on `photo` for where it was seen, with its buttons (HTML); or why there is none."""
    place = await place_seen(source, photo, chosen)
    outcome = await classify_image(photo, place.code, context, chosen.translations)
    if isinstance(outcome, str):
        return escape(outcome, quote=False), None
    return await verdict_message(context.bot_data[SERVICES], request, outcome, place, chosen)


async def answer_album(
    message: Message, context: ContextTypes.DEFAULT_TYPE, choosing: asyncio.Future[Chosen]
) -> None:
    """One reply for all the photos of an album, from the handler of the photo that opened it.

    The feedback buttons under it store the combined verdict with the opening photo (a view of the animal).
    The album is answered for the person's place (its photos' own positions are not used: one album, one
    place). `choosing` is still being read when the photo joins the album.
    """
    services: Services = context.bot_data[SERVICES]
    classified_here: list[Classified] = []  # this handler's own photo, once classified

    async def check_own_photo(source: Message) -> Outcome:
        chosen = await choosing
        try:
            photo = await fetch_image(source, context, chosen.translations)
            if isinstance(photo, str):
                return photo
            outcome = await classify_image(photo, chosen.place, context, chosen.translations)
        except Exception:  # one photo's failure is a line of the album's reply, never the album's end
            logger.exception("album photo %s could not be checked", source.message_id)
            return failed(chosen.translations)
        if isinstance(outcome, str):
            return outcome
        classified_here.append(outcome)
        return outcome.verdict

    if services.albums.came_late(message):  # its album was answered already: it gets its own answer
        note = escape(late_for_album_note((await choosing).translations), quote=False)
        await answer_with_verdict(message, message, context, await choosing, note=note)
        return
    async with services.typing.while_slow(message):
        outcomes = await services.albums.gather(message, check_own_photo)
    if not outcomes:
        return  # another photo's handler answers the album
    chosen = await choosing
    translations, place = chosen.translations, chosen.place
    verdicts = [outcome for outcome in outcomes if isinstance(outcome, Verdict)]
    policy = services.inference.classifier.policy
    album = combine(verdicts, policy.for_place(place)) if verdicts else None
    buttons, text = None, album_reply(outcomes, album, translations)
    if album is not None:
        text += album_place_words(place, policy.place_matters(album.combined), chosen)
    if album is not None and classified_here:
        combined = Classified(album.combined, classified_here[0].picture)
        buttons = await feedback_buttons(services, message, combined, translations, place)
    await message.reply_html(text, do_quote=True, reply_markup=buttons)


async def fetch_image(
    source: Message, context: ContextTypes.DEFAULT_TYPE, translations: NullTranslations
) -> bytes | str:
    """The bytes of the image in `source`, or the reason (plain text) why there are none."""
    services: Services = context.bot_data[SERVICES]
    try:
        return await image_bytes(source, context, services.fetcher, services.inference.classifier.input_size)
    except ImageFetchError as error:
        return image_error(error, translations)
    except NoImage:
        return not_an_image(translations)


async def place_seen(source: Message, photo: bytes, chosen: Chosen) -> AnsweredPlace:
    """Where the snake was seen: the GPS position in an image sent as a file (for that photo only), else
    the person's remembered place, else none. Telegram strips the position from photos it compresses."""
    if is_image_document(source):
        own = await asyncio.to_thread(place_of_photo, photo)
        if own is not None:
            return AnsweredPlace(own, from_photo=True)
    return AnsweredPlace(chosen.place)


async def classify_image(
    photo: bytes, place: str | None, context: ContextTypes.DEFAULT_TYPE, translations: NullTranslations
) -> Classified | str:
    """The verdict on `photo` for a snake seen at `place` (with the photo as decoded), or the reason
    (plain text) why there is none."""
    services: Services = context.bot_data[SERVICES]
    try:
        return await services.inference.classify(photo, place)
    except UnreadableImage as error:
        return image_error(error, translations)
    except Overloaded:
        return busy(translations)


async def image_bytes(
    message: Message, context: ContextTypes.DEFAULT_TYPE, fetcher: ImageFetcher, min_side: int
) -> bytes:
    """The bytes of the image a message carries: its photo, its image file, or its first link."""
    if message.photo:
        size = photo_size_to_fetch(message.photo, min_side)
        return await download_telegram_file(context.bot, size.file_id, size.file_size)
    if is_image_document(message):
        return await download_telegram_file(context.bot, message.document.file_id, message.document.file_size)
    link = first_link(_links(message))
    if link is None:
        raise NoImage()
    return await fetcher.fetch(link)


def photo_size_to_fetch(sizes: Sequence[PhotoSize], min_side: int) -> PhotoSize:
    """The smallest size Telegram offers whose shorter side still covers the model's input, else the largest.

    Telegram sends a photo at several sizes (90, 320, 800, 1280 px); the model sees `min_side` pixels,
    so a bigger download only costs time and memory.
    """
    covering = [size for size in sizes if min(size.width, size.height) >= min_side]
    if covering:
        return min(covering, key=lambda size: size.width * size.height)
    return max(sizes, key=lambda size: size.width * size.height)


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


async def answer_unknown_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A press whose data no handler takes (an old version's button, or forged data): answered all the
    same, so the person's app stops showing it as pending; nothing else happens."""
    await update.callback_query.answer()


async def report_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log an unexpected failure once, with the update id, and tell the user something went wrong.

    The traceback is formatted here so the token (which Bot API URLs carry) can be cut out of it
    whatever handler writes the log; the user's photo never is in it, only exception messages are.
    """
    update_id = update.update_id if isinstance(update, Update) else None
    error = context.error
    details = "".join(traceback.format_exception(error)) if error is not None else "no exception"
    details = details.replace(context.bot.token, "<token>").rstrip()
    logger.error("update %s failed: %s", update_id, details, extra={"multiline": True})
    if isinstance(update, Update) and update.effective_message is not None:
        translations = chosen_in_memory(update, context).translations
        await update.effective_message.reply_text(failed(translations), do_quote=True)
