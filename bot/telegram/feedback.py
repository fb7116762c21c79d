"""Users teach the bot: the Right / Wrong buttons under a verdict, /privacy, /forget, and /stats.

A button press carries the classification id; the verdict it refers to, and who may answer it, are in
the database, so whichever process gets the press can answer it. Pressing twice, or an old button,
does no harm.
"""

import logging
from collections.abc import Awaitable
from contextlib import suppress
from gettext import NullTranslations

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot import feedback_replies as words
from bot.feedback_service import FeedbackUnavailable
from bot.telegram import place_words
from bot.telegram.choices import chosen_for, remembered
from bot.telegram.identity import person_of
from bot.telegram.services import SERVICES, Services
from feedback import AnswerOutcome
from model import Classified

logger = logging.getLogger(__name__)


def feedback_handlers() -> list[BaseHandler]:
    """The handlers to register before any catch-all message handler."""
    return [
        CommandHandler("privacy", show_privacy),
        CommandHandler("forget", forget_user),
        CommandHandler("stats", show_stats),
        CallbackQueryHandler(answer_button, pattern=words.CALLBACK_DATA),
    ]


async def offer_feedback(
    services: Services, request: Message, classified: Classified, place: str | None = None
) -> str | None:
    """Store a verdict (answered for `place`) so any process can take its buttons; returns its
    classification id, None without feedback."""
    asker = person_of(request, request.from_user)
    if services.feedback is None or asker is None:  # a chat speaking as itself: no one could answer
        return None
    version = services.inference.classifier.version
    return await services.feedback.offer(
        "telegram", asker, classified, version, place=place, asked_at=request.date
    )


async def feedback_buttons(
    services: Services,
    request: Message,
    classified: Classified,
    translations: NullTranslations,
    place: str | None = None,
) -> InlineKeyboardMarkup | None:
    """Right / Wrong for a verdict, stored first so any process can take the answer; None without feedback."""
    classification_id = await offer_feedback(services, request, classified, place)
    if classification_id is None:
        return None
    return words.verdict_buttons(classification_id, translations)


async def answer_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A press on Right, Wrong or one of the answers after Wrong."""
    query = update.callback_query
    translations = (await chosen_for(update, context)).translations
    classification_id, choice = context.matches[0].groups()
    feedback = _services(context).feedback
    if feedback is None:
        await query.answer(words.could_not_save(translations), show_alert=True)
        return
    try:
        if choice == "wrong":
            outcome = await feedback.check(classification_id, query.from_user.id)
        else:
            outcome = await feedback.answer(classification_id, choice, query.from_user.id)
    except FeedbackUnavailable:
        await query.answer(words.could_not_save(translations), show_alert=True)
        return
    await _show_outcome(query, outcome, classification_id, translations)


async def _show_outcome(
    query: CallbackQuery, outcome: AnswerOutcome, classification_id: str, translations: NullTranslations
) -> None:
    if outcome is AnswerOutcome.OPEN:  # "Wrong": ask what it was
        await edited(
            query.edit_message_reply_markup(words.correction_buttons(classification_id, translations))
        )
        await query.answer(words.what_was_it(translations))
    elif outcome in (AnswerOutcome.RECORDED, AnswerOutcome.ALREADY_ANSWERED):
        if isinstance(query.message, Message) and query.message.text is not None:
            answered = place_words.without_question(query.message.text_html, translations)
            thanked = words.with_thanks(answered, translations)
            await edited(query.edit_message_text(thanked, parse_mode=ParseMode.HTML, reply_markup=None))
        recorded = outcome is AnswerOutcome.RECORDED
        await query.answer(words.thanks(translations) if recorded else words.already_answered(translations))
    elif outcome is AnswerOutcome.NOT_YOURS:
        await query.answer(words.not_yours(translations), show_alert=True)
    else:
        await refuse_unknown(query, translations)


async def refuse_unknown(query: CallbackQuery, translations: NullTranslations) -> None:
    """A press for a verdict gone or never stored: its buttons go (they can't work), and it says why. A
    forged press (data on none of the message's buttons) must not take a live verdict's buttons away."""
    if on_its_keyboard(query):
        await edited(query.edit_message_reply_markup(None))
    await query.answer(words.unknown_verdict(translations), show_alert=True)


def on_its_keyboard(query: CallbackQuery) -> bool:
    """Whether the pressed data is one of the message's own buttons (else the update was forged)."""
    markup = query.message.reply_markup if isinstance(query.message, Message) else None
    buttons = markup.inline_keyboard if markup is not None else ()
    return any(button.callback_data == query.data for row in buttons for button in row)


async def edited(edit: Awaitable[object]) -> None:
    """Edit the message; a second press finds it edited already ("message is not modified")."""
    with suppress(BadRequest):
        await edit


async def show_privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/privacy: what is kept and why."""
    translations = (await chosen_for(update, context)).translations
    await update.effective_message.reply_html(words.privacy(translations), do_quote=False)


async def forget_user(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/forget: delete everything of this user (their remembered place and language too), and say how much."""
    translations = (await chosen_for(update, context)).translations
    message = update.effective_message
    feedback = _services(context).feedback
    person = person_of(message, update.effective_user)
    if person is None:
        await message.reply_text(words.forget_as_a_chat(translations), do_quote=True)
        return
    remembered(context).forget(person)
    if feedback is None:
        await message.reply_text(words.forgotten_nothing(translations), do_quote=True)
        return
    try:
        result = await feedback.forget(person, said_at=message.date)
    except FeedbackUnavailable:
        await message.reply_text(words.could_not_reach_the_database(translations), do_quote=True)
        return
    in_private = update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE
    # In a group the others need not learn how many answers someone gave: the counts go to private chats.
    tell = words.forgotten if in_private else words.forgotten_in_group
    reply = tell(result, translations)
    await message.reply_text(reply, do_quote=True)


async def show_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats, for the operators' chats only: feedback counts and agreement by verdict."""
    translations = (await chosen_for(update, context)).translations
    message = update.effective_message
    services = _services(context)
    if services.feedback is None or update.effective_chat.id not in services.admin_chat_ids:
        await message.reply_text(words.only_for_operators(translations), do_quote=True)
        return
    try:
        stats = await services.feedback.stats()
    except FeedbackUnavailable:
        await message.reply_text(words.could_not_reach_the_database(translations), do_quote=True)
        return
    await message.reply_text(words.stats_text(stats, translations), do_quote=False)


def _services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.bot_data[SERVICES]
