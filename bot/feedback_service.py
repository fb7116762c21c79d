"""The feedback store as the event loop sees it: every call in a thread, and a database outage survived.

Store calls block (SQLAlchemy, PIL), so each runs in `asyncio.to_thread`. When the database is down,
photos are still answered: offering buttons only logs, and answering raises `FeedbackUnavailable`, which
the handlers turn into "please try later". An outage is logged once, with what was being done, and its
end once more.
"""

import asyncio
import logging
import secrets
from collections.abc import Callable
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
    migrate,
    open_engine,
    user_hash,
)
from model import Classified

logger = logging.getLogger(__name__)
Result = TypeVar("Result")


class FeedbackUnavailable(RuntimeError):
    """The database could not be reached; the user should try again later."""


class FeedbackService:
    def __init__(self, store: FeedbackStore, secret: str, metrics: Metrics) -> None:
        self.store = store
        self._secret = secret
        self._metrics = metrics
        self._failing = False

    async def migrate(self) -> None:
        """Bring the schema up to date at start-up; a database that is down is logged, not fatal."""
        try:
            await self._call("migrating the database", migrate, self.store.engine)
        except FeedbackUnavailable:
            return

    async def offer(
        self, source: str, user_id: int | None, classified: Classified, model_version: str
    ) -> str | None:
        """Store the verdict the buttons will refer to; returns their classification id.

        With the database down the id is returned all the same (the buttons then say to try later);
        a photo the store cannot re-encode gets no buttons (None).
        """
        classification_id = secrets.token_urlsafe(12)
        verdict = classified.verdict
        try:
            await self._call(
                f"saving classification {classification_id}",
                lambda: self.store.save_classification(
                    classification_id,
                    source=source,
                    user_hash=self._hash(user_id),
                    label=verdict.label,
                    best_guess=verdict.best_guess,
                    probabilities={label: float(value) for label, value in verdict.probabilities.items()},
                    model_version=model_version,
                    picture=classified.picture,
                ),
            )
        except FeedbackUnavailable:
            return classification_id
        except Exception:
            logger.exception("could not keep the photo of classification %s for feedback", classification_id)
            return None
        return classification_id

    async def check(self, classification_id: str, user_id: int | None) -> AnswerOutcome:
        return await self._call(
            f"checking classification {classification_id}",
            self.store.check,
            classification_id,
            self._hash(user_id),
        )

    async def answer(self, classification_id: str, answer: Answer, user_id: int | None) -> AnswerOutcome:
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

    async def forget(self, user_id: int) -> Forgotten:
        return await self._call("forgetting a user", self.store.forget, self._hash(user_id))

    async def stats(self) -> FeedbackStats:
        return await self._call("counting feedback", self.store.stats)

    def close(self) -> None:
        self.store.engine.dispose()

    def _hash(self, user_id: int | None) -> str | None:
        return None if user_id is None else user_hash(self._secret, user_id)

    async def _call(self, doing: str, function: Callable[..., Result], *arguments: object) -> Result:
        try:
            result = await asyncio.to_thread(function, *arguments)
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


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
