"""Photos sent together (one `media_group_id`) in a private chat, answered with one reply.

Telegram delivers each photo of an album as its own update, in quick succession. The first to arrive
opens the album; each photo is classified by its own update's handler as it comes; the opener waits
until no photo has joined for `quiet_seconds` (or ten have) and every one is classified, then answers
once. A closed album is remembered with its photos, so a photo that comes twice (a webhook update
Telegram sends again) never brings a second answer, and one that comes after the answer gets its own.
"""

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from telegram import Message

from model import Verdict

logger = logging.getLogger(__name__)

MAX_PHOTOS = 10
"""Telegram's limit on an album."""
QUIET_SECONDS = 1.0
"""How long the album stays open after its latest photo arrived."""
REMEMBERED_ALBUMS = 4096

Outcome = Verdict | str
"""A photo's verdict, or the reason, fit to show a user, why it could not be checked."""
AlbumKey = tuple[int, str]


@dataclass
class Album:
    opener: Message
    outcomes: dict[int, Outcome | None] = field(default_factory=dict)
    """message_id -> its outcome; None while the photo is being checked."""
    last_arrival: float = 0.0
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def record(self, message_id: int, outcome: Outcome) -> None:
        self.outcomes[message_id] = outcome
        self.changed.set()

    def settle(self, message_id: int) -> None:
        """Drop a photo whose check failed unexpectedly (its update gets the error reply instead)."""
        if self.outcomes.get(message_id) is None:
            self.outcomes.pop(message_id, None)
            self.changed.set()

    def in_order(self) -> list[Outcome]:
        """The outcomes in the order the photos were sent."""
        return [self.outcomes[message_id] for message_id in sorted(self.outcomes)]

    async def complete(self, quiet_seconds: float) -> None:
        """Wait until every photo is checked and none has joined for `quiet_seconds` (or ten have)."""
        loop = asyncio.get_running_loop()
        while True:
            checking = None in self.outcomes.values()
            quiet_left = self.last_arrival + quiet_seconds - loop.time()
            if not checking and (quiet_left <= 0 or len(self.outcomes) >= MAX_PHOTOS):
                return
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), None if checking else max(quiet_left, 0.01))


class AlbumCollector:
    """The albums being gathered, and those already answered."""

    def __init__(self, quiet_seconds: float = QUIET_SECONDS) -> None:
        self.quiet_seconds = quiet_seconds
        self._open: dict[AlbumKey, Album] = {}
        self._answered: OrderedDict[AlbumKey, set[int]] = OrderedDict()
        """The answered albums' photos (message ids), to tell a photo sent again from one come late."""

    def join(self, message: Message) -> tuple[Album, bool] | None:
        """The album `message` belongs to and whether it opened it; None for a photo counted already."""
        key = (message.chat_id, message.media_group_id)
        album = self._open.get(key)
        if message.message_id in self._answered.get(key, ()) or (
            album and message.message_id in album.outcomes
        ):
            logger.info("album photo %s came twice; already answered or counted", message.message_id)
            return None
        opens = album is None
        if opens:
            album = self._open[key] = Album(opener=message)
        album.outcomes[message.message_id] = None
        album.last_arrival = asyncio.get_running_loop().time()
        album.changed.set()
        return album, opens

    def came_late(self, message: Message) -> bool:
        """Whether `message` belongs to an album answered without it (it then needs its own answer)."""
        answered = self._answered.get((message.chat_id, message.media_group_id))
        if answered is None or message.message_id in answered:
            return False
        answered.add(message.message_id)  # answered alone from now on: twice brings no second answer
        return True

    def close(self, album: Album) -> None:
        key = (album.opener.chat_id, album.opener.media_group_id)
        del self._open[key]
        self._answered[key] = set(album.outcomes)
        if len(self._answered) > REMEMBERED_ALBUMS:
            self._answered.popitem(last=False)

    async def gather(self, message: Message, check: Callable[[Message], Awaitable[Outcome]]) -> list[Outcome]:
        """Check `message`'s photo as part of its album; the opener gets every outcome, the others []."""
        joined = self.join(message)
        if joined is None:
            return []
        album, opens = joined
        try:
            album.record(message.message_id, await check(message))
            if opens:
                await album.complete(self.quiet_seconds)
        finally:
            album.settle(message.message_id)
            if opens:
                self.close(album)
        return album.in_order() if opens else []
