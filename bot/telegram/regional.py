"""A verdict and the place it answers for: the note saying which place, or "Where did you see it?".

With no place known a photo is answered with the strict thresholds. When some group of places would
answer it differently (it looks like a harmless mimic, say), the reply still says to treat it as
venomous and asks where it was seen, with place buttons beside Right / Wrong. One tap answers the photo
again for that place from its stored scores (no second look, no second upload) and remembers the place.
"""

from dataclasses import dataclass
from html import escape

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot import feedback_replies
from bot.feedback_service import FeedbackUnavailable
from bot.replies import reply_for
from bot.telegram import place_words as words
from bot.telegram.choices import Chosen, chosen_for, remember_place
from bot.telegram.feedback import edited, offer_feedback, refuse_unknown
from bot.telegram.services import SERVICES, Services
from feedback import AnswerOutcome, StoredVerdict
from model import Classified, Verdict

Rows = list[list[InlineKeyboardButton]]


@dataclass(frozen=True)
class AnsweredPlace:
    """The place a photo was answered for, and whether it came from the photo's own GPS position."""

    code: str | None
    from_photo: bool = False


async def verdict_message(
    services: Services, request: Message, classified: Classified, place: AnsweredPlace, chosen: Chosen
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The reply to one photo (HTML) and its buttons: Right / Wrong, and the places when asking where."""
    verdict = classified.verdict
    classification_id = await offer_feedback(services, request, classified, place.code)
    rows = feedback_rows(classification_id, chosen) if classification_id else []
    text = reply_for(verdict, chosen.translations).as_html()
    if place.code is not None:
        text += _note(words.place_note(place.code, chosen.language, place.from_photo))
    elif services.inference.classifier.policy.place_matters(verdict):
        if classification_id is None:
            text += _asked(words.album_where_asked(chosen.translations))
        else:
            text += words.asked_html(chosen.translations)
            rows += words.place_rows(f"{words.SEEN_PREFIX}:{classification_id}", chosen.language)
    return text, InlineKeyboardMarkup(rows) if rows else None


def feedback_rows(classification_id: str, chosen: Chosen) -> Rows:
    markup = feedback_replies.verdict_buttons(classification_id, chosen.translations)
    return [list(row) for row in markup.inline_keyboard]


def album_place_words(place: str | None, matters: bool, chosen: Chosen) -> str:
    """What an album's reply adds: the place it was answered for, or the question where (to send again)."""
    if place is not None:
        return _note(words.place_note(place, chosen.language, from_photo=False))
    return _asked(words.album_where_asked(chosen.translations)) if matters else ""


async def answer_for_place(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A place button under a verdict: the country's states, or the verdict answered again for the place."""
    query = update.callback_query
    chosen = await chosen_for(update, context)
    match = context.matches[0]
    classification_id = match["classification_id"]
    feedback = _services(context).feedback
    try:
        outcome = AnswerOutcome.UNKNOWN
        if feedback is not None:
            outcome = await feedback.check(classification_id, query.from_user.id)
        if outcome is not AnswerOutcome.OPEN:
            await _refuse(query, outcome, chosen)
        elif match["country"]:
            await _show_states(query, classification_id, match["country"], chosen)
        else:
            await _answer_again(query, context, classification_id, match["code"], chosen)
    except FeedbackUnavailable:
        await query.answer(feedback_replies.could_not_save(chosen.translations), show_alert=True)


async def _answer_again(
    query: CallbackQuery,
    context: ContextTypes.DEFAULT_TYPE,
    classification_id: str,
    place: str,
    chosen: Chosen,
) -> None:
    services = _services(context)
    stored = await services.feedback.stored_verdict(classification_id)
    if stored is None:
        await _refuse(query, AnswerOutcome.UNKNOWN, chosen)
        return
    regional = services.inference.classifier.answer_for_place(verdict_of(stored), place)
    await services.feedback.reanswer(classification_id, regional.label, place)
    await remember_place(context, query.from_user.id, place)
    text = reply_for(regional, chosen.translations).as_html()
    text += _note(words.place_note(place, chosen.language, from_photo=False))
    markup = InlineKeyboardMarkup(feedback_rows(classification_id, chosen))
    await edited(query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup))
    await query.answer(words.answered_for(place, chosen.language))


async def _show_states(query: CallbackQuery, classification_id: str, country: str, chosen: Chosen) -> None:
    prefix = f"{words.SEEN_PREFIX}:{classification_id}"
    rows = feedback_rows(classification_id, chosen) + words.state_rows(prefix, country, chosen.language)
    await edited(query.edit_message_reply_markup(InlineKeyboardMarkup(rows)))
    await query.answer(words.which_state(country, chosen.language))


async def _refuse(query: CallbackQuery, outcome: AnswerOutcome, chosen: Chosen) -> None:
    """Someone else's verdict, one answered already (its label is what was answered), or one gone."""
    translations = chosen.translations
    if outcome is AnswerOutcome.NOT_YOURS:
        await query.answer(feedback_replies.not_yours(translations), show_alert=True)
    elif outcome is AnswerOutcome.ALREADY_ANSWERED:
        await query.answer(feedback_replies.already_answered(translations))
    else:
        await refuse_unknown(query, translations)


def verdict_of(stored: StoredVerdict) -> Verdict:
    """The stored verdict as the classifier made it, to decide again."""
    return Verdict(
        label=stored.label,
        best_guess=stored.best_guess,
        confidence=stored.probabilities[stored.best_guess],
        probabilities=dict(stored.probabilities),
        snake_evidence=stored.snake_evidence,
        detector_no_snake=stored.detector_no_snake,
    )


def _note(text: str) -> str:
    return f"\n\n<i>{escape(text, quote=False)}</i>"


def _asked(text: str) -> str:
    return f"\n\n<b>{escape(text, quote=False)}</b>"


def _services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.bot_data[SERVICES]
