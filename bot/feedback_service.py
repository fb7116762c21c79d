"""The feedback store as the event loop sees it: every call in a thread, and a database outage survived.

Store calls block (SQLAlchemy, PIL), so each runs in `asyncio.to_thread`. When the database is down,
photos are still answered: offering buttons only logs, and answering raises `FeedbackUnavailable`, which
the handlers turn into "please try later". An outage is logged once, with what was being done, and its
end once more. A user's remembered place and language are read with a short deadline: a slow or absent
database means the defaults, never a later verdict.
"""

import asyncio
import logging
import re
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from functools import partial
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError

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
Result = TypeVar("Result")
MIGRATION_WAIT_SECONDS = 2.0
"""How long start-up waits for the migration (SQLite's takes a tenth of a second); it goes on after."""
MIGRATION_RETRY_MAX_SECONDS = 30.0
"""A database down at start-up is tried again after 1, 2, 4... seconds, at most this far apart."""
PREFERENCES_TIMEOUT = 0.5
"""Seconds a verdict may wait for the user's remembered place and language before using the defaults."""
SAVE_WAIT_SECONDS = 0.5
"""Seconds a verdict may wait for its save; past that it goes out without buttons (the save goes on)."""
SAVES_IN_FLIGHT_WHILE_SLOW = 8
"""While the database is slow, saves beyond this many are not even tried: they would only queue up."""
STORE_THREADS = 2
"""The store's own threads: a hung database ties up these, never the executor's or the event loop's."""


CLASSIFICATION_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
"""What `offer` hands out (16 URL-safe characters) and the column holds: anything else is never looked up,
so a NUL byte, a newline or a megabyte from a forged press or request never reaches a query or a log line."""


def is_classification_id(text: str) -> bool:
    return CLASSIFICATION_ID.fullmatch(text) is not None


class FeedbackUnavailable(RuntimeError):
    """The database could not be reached; the user should try again later."""


class FeedbackService:
    def __init__(self, store: FeedbackStore, secret: str, metrics: Metrics) -> None:
        self.store = store
        self._secret = secret
        self._metrics = metrics
        self._failing = False
        self._slow = False
        self._hanging: asyncio.Future[Preferences] | None = None
        """A preferences read that outlived its deadline and has not finished yet."""
        self._migrating: asyncio.Task[None] | None = None
        self._pool = ThreadPoolExecutor(STORE_THREADS, thread_name_prefix="feedback")
        self._saves_in_flight = 0

    @property
    def healthy(self) -> bool:
        """False while the database is down or too slow: verdicts then go out without buttons."""
        return not self._failing and not self._slow

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
        except FeedbackUnavailable:
            return False
        return True

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
    ) -> str | None:
        """Store the verdict the buttons will refer to, answered for `place`; returns their classification id.

        None (no buttons: they could never work) when the database is down, when saving takes longer than
        `SAVE_WAIT_SECONDS` (the verdict must not wait on the database), or when the store cannot
        re-encode the photo.
        """
        if self._slow and self._saves_in_flight >= SAVES_IN_FLIGHT_WHILE_SLOW:
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
        return classification_id

    def _save_done(self, done: asyncio.Future[None]) -> None:
        self._saves_in_flight -= 1
        _retrieved(done)

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
        reading.add_done_callback(_retrieved)  # a read left hanging may fail unawaited
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

    async def _within(self, call: asyncio.Future[Result], timeout: float, doing: str) -> Result:
        """The call's result if it comes within `timeout`; else TimeoutError, the call going on. A slow
        database is logged once, when it starts being slow, and once when it is quick again."""
        try:
            result = await asyncio.wait_for(asyncio.shield(call), timeout)
        except TimeoutError:
            if not self._slow:
                logger.warning("feedback database too slow %s", doing)
            self._slow = True
            raise
        if self._slow:
            logger.info("feedback database quick again")
            self._slow = False
        return result

    async def remember_place(self, user_id: int, place: str | None) -> None:
        await self._call("remembering a place", self.store.remember_place, self._hash(user_id), place)

    async def remember_language(self, user_id: int, language: str | None) -> None:
        await self._call(
            "remembering a language", self.store.remember_language, self._hash(user_id), language
        )

    async def forget(self, user_id: int) -> Forgotten:
        return await self._call("forgetting a user", self.store.forget, self._hash(user_id))

    async def stats(self) -> FeedbackStats:
        return await self._call("counting feedback", self.store.stats)

    def close(self) -> None:
        if self._migrating is not None:
            self._migrating.cancel()
        self._pool.shutdown(wait=False, cancel_futures=True)
        self.store.engine.dispose()

    def _hash(self, user_id: int | None) -> str | None:
        return None if user_id is None else user_hash(self._secret, user_id)

    async def _call(self, doing: str, function: Callable[..., Result], *arguments: object) -> Result:
        try:
            loop = asyncio.get_running_loop()
            result = await loop.run_in_executor(self._pool, partial(function, *arguments))
        except SQLAlchemyError as error:
            if not self._failing:
                logger.error("feedback database unavailable while %s: %s", doing, _first_line(error))
            self._failing = True
            raise FeedbackUnavailable() from error
        if self._failing:
            logger.info("feedback database reachable again")
            self._failing = False
        return result


def open_feedback(settings: Settings, metrics: Metrics) -> FeedbackService:
    """The service for the configured database; nothing connects until the first call."""
    store = FeedbackStore(open_engine(settings.database_url), settings.feedback_max_mb * 1024 * 1024)
    return FeedbackService(store, settings.feedback_secret, metrics)


def _retrieved(done: asyncio.Future) -> None:
    """Marks a finished call's error as seen (it was logged, or it is a late call's late failure)."""
    if not done.cancelled():
        done.exception()


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
