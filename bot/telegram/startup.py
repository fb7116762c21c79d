"""Reaching Telegram at start-up: a missing route is waited out, a rejected token stops the process.

On a restart (Heroku's daily one, a container coming up before the network) Telegram may be
unreachable for a while: that is logged as one line per attempt, with the wait before the next one,
and retried with a capped backoff while /healthz says "starting". A token Telegram refuses is the
operator's mistake and no wait mends it: `TokenRejected`, which `python -m bot` turns into one line
and exit code 2.
"""

import asyncio
import logging

from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application

logger = logging.getLogger(__name__)

FIRST_PAUSE_SECONDS = 1.0
MAX_PAUSE_SECONDS = 30.0


class TokenRejected(RuntimeError):
    """Telegram answered 401 Unauthorized to the configured token."""

    def __init__(self) -> None:
        super().__init__(
            "Telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized): copy the token again from @BotFather"
        )


def pauses(first: float = FIRST_PAUSE_SECONDS, most: float = MAX_PAUSE_SECONDS):
    """1, 2, 4, ... seconds, then `most` for ever."""
    pause = first
    while True:
        yield pause
        pause = min(pause * 2, most)


async def initialize_when_reachable(application: Application, api_url: str) -> None:
    """`application.initialize()` (it calls getMe), again after each network failure, until it works."""
    for pause in pauses():
        try:
            await application.initialize()
            return
        except InvalidToken:
            raise TokenRejected() from None
        except NetworkError as error:  # TimedOut is one too
            logger.warning(
                "cannot reach Telegram at %s (%s); next attempt in %.0f s", api_url, _reason(error), pause
            )
        await asyncio.sleep(pause)


def _reason(error: NetworkError) -> str:
    """The root cause's words, without PTB's wrapping ("httpx.ConnectError: ...")."""
    cause = error.__cause__ or error
    return str(cause) or type(cause).__name__
