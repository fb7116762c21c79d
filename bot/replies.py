"""The words people read: a verdict becomes a headline, a confidence and a safety caveat.

The confidence is always worded as the model's estimate, never as a guarantee, and every verdict that
involves a snake says what to do: keep away, never handle it, call emergency services after a bite.
"""

from dataclasses import dataclass
from html import escape

from model import Verdict

BOT_NAME = "Coral Snake Check"
AFTER_A_BITE = (
    "After a bite: call emergency services (911 in the US and Mexico) at once, keep still and calm, "
    "remove rings and tight clothing; don't cut, suck, ice or tie off the bite."
)
RHYME_LIMIT = '"Red touches yellow" only holds for North American coral snakes.'

HEADLINES = {
    "coral_snake": "Likely a venomous coral snake",
    "kingsnake": "Likely a harmless scarlet kingsnake",
    "other_snake": "A snake this bot cannot identify",
    "no_snake": "No snake found in this photo",
    "uncertain": "Can't tell from this photo: treat it as venomous",
}
CAVEATS = {
    "coral_snake": f"Keep your distance and never handle it. {AFTER_A_BITE} {RHYME_LIMIT}",
    "kingsnake": (
        "A photo can fool any model: keep your distance anyway and never handle a wild snake. "
        f"{AFTER_A_BITE} {RHYME_LIMIT}"
    ),
    "other_snake": (
        "This bot only tells coral snakes from their kingsnake mimics; this snake may still be venomous. "
        f"Keep your distance and never handle it. {AFTER_A_BITE}"
    ),
    "no_snake": "If you did see a snake, send a closer, sharper photo of it. Keep your distance meanwhile.",
    "uncertain": f"Keep your distance and never handle it. {AFTER_A_BITE} {RHYME_LIMIT}",
}
GUESS_NAMES = {
    "coral_snake": "coral snake",
    "kingsnake": "scarlet kingsnake",
    "other_snake": "another kind of snake",
    "no_snake": "no snake",
}

HELP = (
    f"<b>{BOT_NAME}</b> tells a venomous coral snake from its harmless look-alikes, such as the "
    "scarlet kingsnake, in a photo.\n\n"
    "<b>Private chat:</b> send a photo, an image file (JPEG, PNG, WebP, HEIC) or a link to an image.\n"
    "<b>Groups:</b> reply <code>/snake</code> to a photo or image link, or send a photo with "
    "<code>/snake</code> (or my @name) as its caption.\n\n"
    "<b>Limits:</b> I only know coral snakes and kingsnakes of the southern US and Mexico; other snakes "
    "come back as unidentified. A photo can fool me: never handle a snake because of my answer. "
    "After a bite, call emergency services (911).\n\n"
    "<b>Teach me:</b> press Right or Wrong under a verdict. /privacy says what is kept; /forget deletes it."
)
NOT_AN_IMAGE = "Send me a photo of the snake (or an image file or image link), and I'll check it."
NOTHING_TO_CHECK = "Reply /snake to a photo or image link, or send a photo with /snake as its caption."
BUSY = "I'm busy with many photos right now. Please send yours again in a minute."
FAILED = "Sorry, something went wrong while checking this photo. Please try again."


@dataclass(frozen=True)
class Reply:
    """A reply split into the parts the API and the web page show separately."""

    verdict: str
    confidence: str
    caveat: str

    def as_html(self) -> str:
        return "<b>{}</b>\n{}\n\n{}".format(
            *(escape(part, quote=False) for part in (self.verdict, self.confidence, self.caveat))
        )


def reply_for(verdict: Verdict) -> Reply:
    """The words for `verdict`."""
    percent = f"{verdict.confidence:.0%}"
    if verdict.label == "uncertain":
        confidence = (
            f"Best guess: {GUESS_NAMES[verdict.best_guess]} at {percent} model confidence, "
            "not enough to be sure."
        )
    else:
        confidence = f"Model confidence: {percent} (an estimate, not a guarantee)."
    return Reply(verdict=HEADLINES[verdict.label], confidence=confidence, caveat=CAVEATS[verdict.label])
