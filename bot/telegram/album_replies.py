"""The words for an album: the combined verdict, a line per photo, and any disagreement between them.

New words follow the shared translation convention: every sentence goes through `translations`.
"""

import gettext
from html import escape

from bot.replies import reply_for
from bot.telegram.albums import Outcome
from model import Verdict
from model.albums import AlbumVerdict


def album_reply(
    outcomes: list[Outcome], album: AlbumVerdict | None, translations: gettext.NullTranslations
) -> str:
    """HTML for one reply to a whole album; `album` is None when no photo could be checked."""
    _ = translations.gettext
    lines = [photo_line(number, outcome, translations) for number, outcome in enumerate(outcomes, 1)]
    if album is None:
        return "\n".join([escape(_("I couldn't check any of these photos."), quote=False), *lines])
    reply = reply_for(album.combined, translations)
    checked = sum(isinstance(outcome, Verdict) for outcome in outcomes)
    summary = translations.ngettext(
        "I checked {count} photo of this album.",
        "I checked these {count} photos together, as views of one animal.",
        checked,
    ).format(count=checked)
    parts = [f"<b>{escape(reply.verdict, quote=False)}</b>", escape(summary, quote=False), *lines]
    if album.disagreement:
        warning = _(
            "The photos disagree with each other, so I answer on the safe side: treat it as venomous."
        )
        parts.append(f"<b>{escape(warning, quote=False)}</b>")
    parts.append(escape(reply.confidence, quote=False))
    return "\n".join(parts) + "\n\n" + escape(reply.caveat, quote=False)


def photo_line(number: int, outcome: Outcome, translations: gettext.NullTranslations) -> str:
    if isinstance(outcome, Verdict):
        line = translations.gettext("Photo {number}: {headline} ({percent} model confidence).").format(
            number=number,
            headline=reply_for(outcome, translations).verdict,
            percent=f"{outcome.sureness:.0%}",
        )
    else:
        line = translations.gettext("Photo {number}: {reason}").format(number=number, reason=outcome)
    return escape(line, quote=False)


def seen_alone_note(translations: gettext.NullTranslations) -> str:
    """For a group: Telegram shows the bot only the album photo that carries the caption."""
    return escape(
        translations.gettext(
            "In a group Telegram shows me only the photo with the caption, "
            "so this answer is about that photo alone."
        ),
        quote=False,
    )


def late_for_album_note(translations: gettext.NullTranslations) -> str:
    """For a photo that came after its album was answered."""
    return translations.gettext("This photo came after I had answered its album, so I answer it alone.")
