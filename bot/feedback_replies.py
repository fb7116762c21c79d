"""The words and buttons of feedback: Right / Wrong under a verdict, what it really was, thanks, privacy.

Every word goes through `translations` (see the translation convention); the buttons' callback data
carries everything a press needs (the classification id and the choice), so any process can answer it.
"""

import re
from gettext import NullTranslations
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from feedback import Answer, FeedbackStats, Forgotten

CALLBACK_PREFIX = "fb"
CALLBACK_DATA = re.compile(
    rf"{CALLBACK_PREFIX}:([A-Za-z0-9_-]{{1,32}}):(right|wrong|coral_snake|kingsnake|other_snake|no_snake|not_sure)\Z"
)
"""Matched from the start; `\\Z`, not `$`, so that data with a trailing newline is no match."""


def _button(text: str, classification_id: str, choice: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=f"{CALLBACK_PREFIX}:{classification_id}:{choice}")


def verdict_buttons(classification_id: str, translations: NullTranslations) -> InlineKeyboardMarkup:
    """Right / Wrong, under a verdict."""
    _ = translations.gettext
    return InlineKeyboardMarkup(
        [[_button(_("Right"), classification_id, "right"), _button(_("Wrong"), classification_id, "wrong")]]
    )


def correction_buttons(classification_id: str, translations: NullTranslations) -> InlineKeyboardMarkup:
    """After "Wrong": what was it?"""
    _ = translations.gettext
    choices: list[tuple[str, Answer]] = [
        (_("Coral snake"), "coral_snake"),
        (_("Harmless mimic"), "kingsnake"),
        (_("Other snake"), "other_snake"),
        (_("No snake"), "no_snake"),
        (_("Not sure"), "not_sure"),
    ]
    buttons = [_button(text, classification_id, answer) for text, answer in choices]
    return InlineKeyboardMarkup([buttons[:2], buttons[2:4], buttons[4:]])


def what_was_it(translations: NullTranslations) -> str:
    return translations.gettext("What was it? Pick one of the buttons.")


def thanks(translations: NullTranslations) -> str:
    return translations.gettext("Thank you! Your answer helps the bot learn.")


def already_answered(translations: NullTranslations) -> str:
    return translations.gettext("Thanks, your answer is already saved.")


def not_yours(translations: NullTranslations) -> str:
    return translations.gettext("Only the person who asked can answer this one.")


def unknown_verdict(translations: NullTranslations) -> str:
    return translations.gettext("This verdict is too old or unknown. Send the photo again to answer.")


def could_not_save(translations: NullTranslations) -> str:
    return translations.gettext("Sorry, I couldn't save your answer. Please try again later.")


def could_not_reach_the_database(translations: NullTranslations) -> str:
    return translations.gettext("Sorry, I can't reach my database right now. Please try again later.")


def with_thanks(verdict_html: str, translations: NullTranslations) -> str:
    """The verdict message as it reads once answered."""
    return f"{verdict_html}\n\n<i>{escape(thanks(translations), quote=False)}</i>"


def privacy(translations: NullTranslations) -> str:
    """/privacy: what is kept, why, and how to delete it."""
    _ = translations.gettext
    lines = [
        _("<b>What this bot keeps</b>"),
        _(
            "To let you answer the Right / Wrong buttons, a small copy of your photo (a re-encoded JPEG, "
            "at most 400 pixels, with all metadata such as location removed) and the model's answer are "
            "kept for a day. If you don't press a button, they are then deleted."
        ),
        _(
            "When you press a button, the photo, the model's answer and version, and your answer are kept "
            "to train better models."
        ),
        _(
            "Storage is capped: when it is full, photos still waiting for an answer go first, then those "
            'answered "Right", and your corrections last. At most 20 of your photos wait at once.'
        ),
        _(
            "Never your name, username or phone number: your Telegram id only as a keyed hash, so the "
            "database alone cannot tell who you are."
        ),
        _(
            "If you tell me where you see snakes (/where, or a location you send), I keep only that "
            "place's code (such as US-TX), never coordinates. The code and your /language choice are kept "
            "by the same hashed id until you use /forget. The position in a photo sent as a file is used "
            "for that photo only and not kept."
        ),
        _("/forget deletes everything of yours at once, your place and language too."),
    ]
    return "\n\n".join(lines)


def forgotten_nothing(translations: NullTranslations) -> str:
    return translations.gettext("I had no answers of yours; nothing of yours is stored now.")


def forget_as_a_chat(translations: NullTranslations) -> str:
    return translations.gettext(
        "You're writing as the group or channel, not as yourself, so I keep nothing tied to you: photos "
        "sent this way get no Right / Wrong buttons and no place is remembered. To delete what you "
        "answered as yourself, send /forget from your own account."
    )


def forgotten_in_group(result: Forgotten, translations: NullTranslations) -> str:
    if result.under_earlier_keys:
        return translations.gettext(
            "Done: I deleted what I could find of yours. Some answers were saved before this bot's key "
            "changed, and I can't tell whose they are; the bot's operator can delete them."
        )
    return translations.gettext(
        "Done: I deleted your answers, photos, place and language, if there were any. Nothing of yours is "
        "stored now."
    )


def forgotten(result: Forgotten, translations: NullTranslations) -> str:
    """/forget: how much was deleted, and whether a remembered place or language went with it. Answers kept
    under an earlier key can't be told apart: then the reply says so instead of "nothing is stored"."""
    if result.under_earlier_keys:
        return _under_an_earlier_key(result, translations)
    choices = translations.gettext("I deleted your remembered place and language too.")
    if result.answers == 0:
        if result.preferences:
            return translations.gettext(
                "I had no answers of yours. I deleted your remembered place and language; nothing of "
                "yours is stored now."
            )
        return forgotten_nothing(translations)
    answers = translations.ngettext(
        "I deleted your {count} answer.", "I deleted your {count} answers.", result.answers
    ).format(count=result.answers)
    photos = translations.ngettext(
        "{count} photo was deleted with them.", "{count} photos were deleted with them.", result.photos
    ).format(count=result.photos)
    return f"{answers} {photos} {choices}" if result.preferences else f"{answers} {photos}"


def _under_an_earlier_key(result: Forgotten, translations: NullTranslations) -> str:
    deleted = translations.ngettext(
        "I deleted the {count} answer of yours I could find, with your remembered place and language.",
        "I deleted the {count} answers of yours I could find, with your remembered place and language.",
        result.answers,
    ).format(count=result.answers)
    earlier = translations.ngettext(
        "{count} answer was saved before this bot's key changed, and I can't tell whose it is; if it may be "
        "yours, the bot's operator can delete it.",
        "{count} answers were saved before this bot's key changed, and I can't tell whose they are; if "
        "some may be yours, the bot's operator can delete them.",
        result.under_earlier_keys,
    ).format(count=result.under_earlier_keys)
    return f"{deleted} {earlier}"


def only_for_operators(translations: NullTranslations) -> str:
    return translations.gettext("/stats is only for the bot's operators.")


def stats_text(stats: FeedbackStats, translations: NullTranslations) -> str:
    """/stats: answers in all and in the last week, how often each verdict was right, answers by kind."""
    _ = translations.gettext
    lines = [
        _("Answers: {answers} ({recent} in the last 7 days)").format(
            answers=stats.answers, recent=stats.last_days
        ),
        _("Photos stored: {megabytes:.1f} MB").format(megabytes=stats.photo_bytes / 1024 / 1024),
    ]
    for verdict, agreement in sorted(stats.by_verdict.items()):
        lines.append(
            _("{verdict}: right {right} of {answers}").format(
                verdict=verdict, right=agreement.right, answers=agreement.answers
            )
        )
    lines += [
        _("Answered {answer}: {count}").format(answer=answer, count=count)
        for answer, count in sorted(stats.by_answer.items())
    ]
    return "\n".join(lines)
