"""The feedback store as the event loop sees it: verdicts kept for their buttons, answers, choices.

Every call runs on the store's own threads (bot/database_calls.py). When the database is down, photos are
still answered, without buttons; answering raises `FeedbackUnavailable`, which the handlers turn into
"please try later". A verdict waits at most `SAVE_WAIT_SECONDS` for its save, and a user's remembered
place and language are read with a short deadline: a slow or absent database means no buttons or the
defaults, never a later verdict.
"""

import asyncio
import logging
import re
import secrets
from contextlib import suppress
from datetime import datetime, timedelta
from functools import partial

from bot.database_calls import DatabaseCalls, FeedbackUnavailable, retrieved
from bot.metrics import Metrics
from bot.settings import Settings
from feedback import (
    Answer,
    AnswerOutcome,
    FeedbackStats,
    FeedbackStore,
    Forgotten,
    Preferences,
    StoredVerdict,
    migrate,
    open_engine,
    user_hash,
)
from model import Classified

logger = logging.getLogger(__name__)
MIGRATION_WAIT_SECONDS = 2.0
"""How long start-up waits for the migration (SQLite's takes a tenth of a second); it goes on after."""
MIGRATION_RETRY_MAX_SECONDS = 30.0
"""A database down at start-up is tried again after 1, 2, 4... seconds, at most this far apart."""
PREFERENCES_TIMEOUT = 0.5
"""Seconds a verdict may wait for the user's remembered place and language before using the defaults."""
SAVE_WAIT_SECONDS = 0.5
"""Seconds a verdict may wait for its save; past that it goes out without buttons (the save goes on)."""
FORGET_REMEMBERED_FOR = timedelta(minutes=10)
"""Longer than any photo takes to be answered: a /forget older than this can't race a photo in flight."""
SAVES_IN_FLIGHT_WHILE_SLOW = 8
"""While the database is slow, saves beyond this many are not even tried: they would only queue up."""


CLASSIFICATION_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
"""What `offer` hands out (16 URL-safe characters) and the column holds: anything else is never looked up,
so a NUL byte, a newline or a megabyte from a forged press or request never reaches a query or a log line."""


def is_classification_id(text: str) -> bool:
    return CLASSIFICATION_ID.fullmatch(text) is not None


class FeedbackService(DatabaseCalls):
    def __init__(self, store: FeedbackStore, secret: str, metrics: Metrics) -> None:
        super().__init__()
        self.store = store
        self._secret = secret
        self._metrics = metrics
        self._hanging: asyncio.Future[Preferences] | None = None
        """A preferences read that outlived its deadline and has not finished yet."""
        self._migrating: asyncio.Task[None] | None = None
        self._saves_in_flight = 0
        self._forgotten_at: dict[str, datetime] = {}
        """When each user who lately sent /forget sent it, by hashed id (see `offer`)."""

    async def migrate(self) -> None:
        """Bring the schema up to date at start-up, waiting at most `MIGRATION_WAIT_SECONDS`. A database
        that is down or hangs is not fatal: it is tried again in the background until it comes up (logged
        when it fails and when it is done), so that the buttons work from then on without a restart."""
        self._migrating = asyncio.create_task(self._migrate_until_done(), name="feedback-migration")
        with suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(self._migrating), MIGRATION_WAIT_SECONDS)

    async def _migrated(self) -> bool:
        try:
            await self._call("migrating the database", migrate, self.store.engine)
            await self._call("noting the key", self.store.register_key, self.key_id)
        except FeedbackUnavailable:
            return False
        return True

    @property
    def key_id(self) -> str:
        """A fingerprint of the key users' ids are hashed with (never the key): tells keys apart."""
        return user_hash(self._secret, "feedback key fingerprint")[:16]

    async def _migrate_until_done(self) -> None:
        if await self._migrated():
            return
        delay = 1.0
        while True:
            await asyncio.sleep(delay)
            if await self._migrated():
                logger.info("feedback database migrated")
                return
            delay = min(2 * delay, MIGRATION_RETRY_MAX_SECONDS)

    async def offer(
        self,
        source: str,
        user_id: int | None,
        classified: Classified,
        model_version: str,
        place: str | None = None,
        asked_at: datetime | None = None,
        client: str | None = None,
    ) -> str | None:
        """Store the verdict the buttons will refer to, answered for `place`; returns their classification id.

        None (no buttons: they could never work) when the database is down, when saving takes longer than
        `SAVE_WAIT_SECONDS` (the verdict must not wait on the database), or when the store cannot
        re-encode the photo; also when the asker sent /forget since `asked_at` (when the photo was sent):
        a /forget wins over a photo still being answered. `client` is the web client's address, kept only
        hashed: no client holds more than its share of photos awaiting an answer.
        """
        if self._slow and self._saves_in_flight >= SAVES_IN_FLIGHT_WHILE_SLOW:
            return None
        if self._forgot_since(user_id, asked_at):
            return None
        classification_id = secrets.token_urlsafe(12)
        verdict = classified.verdict
        save = partial(
            self.store.save_classification,
            classification_id,
            source=source,
            user_hash=self._hash(user_id),
            label=verdict.label,
            best_guess=verdict.best_guess,
            probabilities={label: float(value) for label, value in verdict.probabilities.items()},
            model_version=model_version,
            picture=classified.picture,
            snake_evidence=verdict.snake_evidence,
            detector_no_snake=verdict.detector_no_snake,
            place=place,
            client_hash=None if client is None else user_hash(self._secret, f"web client {client}"),
        )
        saving = asyncio.ensure_future(self._call(f"saving classification {classification_id}", save))
        self._saves_in_flight += 1
        saving.add_done_callback(self._save_done)
        try:
            await self._within(saving, SAVE_WAIT_SECONDS, "saving a verdict (it goes out without buttons)")
        except (TimeoutError, FeedbackUnavailable):
            return None
        except Exception:
            logger.exception("could not keep the photo of classification %s for feedback", classification_id)
            return None
        if self._forgot_since(user_id, asked_at):  # the /forget came while the photo was being saved
            await self._call("forgetting a user", self.store.forget, self._hash(user_id))
            return None
        return classification_id

    def _forgot_since(self, user_id: int | None, asked_at: datetime | None) -> bool:
        forgot_at = self._forgotten_at.get(self._hash(user_id) or "")
        return asked_at is not None and forgot_at is not None and forgot_at >= asked_at

    def _save_done(self, done: asyncio.Future[None]) -> None:
        self._saves_in_flight -= 1
        retrieved(done)

    async def check(self, classification_id: str, user_id: int | None) -> AnswerOutcome:
        if not is_classification_id(classification_id):
            return AnswerOutcome.UNKNOWN
        return await self._call(
            f"checking classification {classification_id}",
            self.store.check,
            classification_id,
            self._hash(user_id),
        )

    async def answer(self, classification_id: str, answer: Answer, user_id: int | None) -> AnswerOutcome:
        if not is_classification_id(classification_id):
            return AnswerOutcome.UNKNOWN
        result = await self._call(
            f"saving the answer to classification {classification_id}",
            self.store.record_answer,
            classification_id,
            answer,
            self._hash(user_id),
        )
        if result.outcome is AnswerOutcome.RECORDED:
            self._metrics.feedback.labels(result.label, answer).inc()
        return result.outcome

    async def stored_verdict(self, classification_id: str) -> StoredVerdict | None:
        """The stored scores behind a verdict, to answer it again for a place; None when unknown or old."""
        if not is_classification_id(classification_id):
            return None
        return await self._call(
            f"reading classification {classification_id}", self.store.stored_verdict, classification_id
        )

    async def reanswer(self, classification_id: str, label: str, place: str | None) -> bool:
        if not is_classification_id(classification_id):
            return False
        return await self._call(
            f"re-answering classification {classification_id}",
            self.store.reanswer,
            classification_id,
            label,
            place,
        )

    async def preferences(self, user_id: int, timeout: float = PREFERENCES_TIMEOUT) -> Preferences:
        """The user's remembered place and language; never raises, and never waits past `timeout`.

        A database that is down, slow or failing gives empty `Preferences` (the defaults). While a read
        that outlived its deadline still hangs, no other starts: hung reads would use up the threads.
        """
        if self._hanging is not None and not self._hanging.done():
            return Preferences()
        reading = asyncio.ensure_future(
            self._call("reading preferences", self.store.preferences, self._hash(user_id))
        )
        reading.add_done_callback(retrieved)  # a read left hanging may fail unawaited
        try:
            found = await self._within(reading, timeout, "reading preferences (using the defaults)")
        except TimeoutError:
            self._hanging = reading
            return Preferences()
        except FeedbackUnavailable:
            return Preferences()
        except Exception:
            logger.exception("could not read a user's preferences; using the defaults")
            return Preferences()
        return found

    async def remember_place(self, user_id: int, place: str | None) -> None:
        await self._call("remembering a place", self.store.remember_place, self._hash(user_id), place)

    async def remember_language(self, user_id: int, language: str | None) -> None:
        await self._call(
            "remembering a language", self.store.remember_language, self._hash(user_id), language
        )

    async def forget(self, user_id: int, said_at: datetime | None = None) -> Forgotten:
        """Delete everything of the user. With `said_at` (when /forget was sent), photos sent until then
        and still being answered by this process are not stored either."""
        key = self._hash(user_id) or ""
        if said_at is not None:
            self._forgotten_at = {
                user: moment
                for user, moment in self._forgotten_at.items()
                if moment > said_at - FORGET_REMEMBERED_FOR
            }
            self._forgotten_at[key] = said_at
        return await self._call("forgetting a user", self.store.forget, key, self.key_id)

    async def stats(self) -> FeedbackStats:
        return await self._call("counting feedback", self.store.stats)

    def close(self) -> None:
        if self._migrating is not None:
            self._migrating.cancel()
        self.stop_calls()
        self.store.engine.dispose()

    def _hash(self, user_id: int | None) -> str | None:
        return None if user_id is None else user_hash(self._secret, user_id)


def open_feedback(settings: Settings, metrics: Metrics) -> FeedbackService:
    """The service for the configured database; nothing connects until the first call."""
    store = FeedbackStore(open_engine(settings.database_url), settings.feedback_max_mb * 1024 * 1024)
    return FeedbackService(store, settings.feedback_secret, metrics)
