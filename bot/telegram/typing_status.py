"""The "typing" sign in a chat while a photo takes long: one per chat, not one per photo.

Telegram shows a chat action to everyone in the chat for five seconds, or until the bot's next message
there. When a user sends four photos at once and the bot is busy, one action covers all four: sending
one per photo cost about 6 ms of CPU a photo in the load benchmark's spike (bench/README.md). The price:
a photo still waiting after the bot has answered another in the same chat (which clears the sign) may
go without it for the rest of those five seconds.
"""

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from telegram import Message
from telegram.constants import ChatAction
from telegram.error import TelegramError

logger = logging.getLogger(__name__)

TYPING_AFTER_SECONDS = 1.0
"""A quicker answer needs no sign of life."""
TYPING_SHOWN_SECONDS = 5.0
"""How long Telegram shows a chat action."""


class ChatTyping:
    """Shows "typing" in a chat only where it isn't shown already."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._shown_at: OrderedDict[int, float] = OrderedDict()
        """Chats shown "typing" in the last `TYPING_SHOWN_SECONDS`, oldest first."""

    @asynccontextmanager
    async def while_slow(self, request: Message) -> AsyncIterator[None]:
        """Show "typing" in the chat if the work inside takes longer than `TYPING_AFTER_SECONDS`."""
        typing = asyncio.create_task(self._show_after(request, TYPING_AFTER_SECONDS))
        try:
            yield
        finally:
            typing.cancel()

    def claim(self, chat_id: int) -> bool:
        """Whether the chat needs "typing" now; if so, it counts as shown from now on."""
        now = self._clock()
        while self._shown_at and next(iter(self._shown_at.values())) <= now - TYPING_SHOWN_SECONDS:
            self._shown_at.popitem(last=False)
        if chat_id in self._shown_at:
            return False
        self._shown_at[chat_id] = now
        return True

    async def _show_after(self, request: Message, after: float) -> None:
        """A chat action that fails is not worth an error."""
        await asyncio.sleep(after)
        if not self.claim(request.chat_id):
            return
        try:
            await request.chat.send_action(ChatAction.TYPING)
        except TelegramError as error:
            logger.debug("typing action failed: %s", error)
