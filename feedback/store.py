"""The store: verdicts shown with buttons, users' answers and choices, forgetting a user, operators' numbers.

Every method is one short transaction, so several processes (web dynos) can share one database:
nothing a button press needs is kept in memory.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any

from PIL import Image
from sqlalchemy import Engine, and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from feedback.answers import Answer
from feedback.database import checkpoint
from feedback.photos import small_copy
from feedback.schema import Classification, FeedbackKey, Preference

PENDING_HOURS = 24
"""How long a verdict waits for an answer; unanswered ones (and their photos) are deleted after that."""
STATS_DAYS = 7
PHOTOS_DROPPED_PER_QUERY = 200
PENDING_PHOTOS_PER_USER = 20
"""Photos of one user kept at once while they await an answer; past that the user's oldest goes first."""
TIDY_EVERY = timedelta(seconds=1)
"""Saving a verdict also deletes expired ones and enforces the photo cap, at most this often: in a flood
(30 verdicts a second) tidying at every save cost a third of the save, and a second's photos over the
cap until the next tidy is a few hundred kilobytes."""


class AnswerOutcome(Enum):
    OPEN = "open"
    """Not answered yet, and this user may answer."""
    RECORDED = "recorded"
    ALREADY_ANSWERED = "already_answered"
    UNKNOWN = "unknown"
    """Never stored, or too old and forgotten."""
    NOT_YOURS = "not_yours"
    """Someone else asked: only they may answer."""


@dataclass(frozen=True)
class AnswerResult:
    outcome: AnswerOutcome
    label: str | None
    """The model's verdict that was answered (None when unknown)."""


@dataclass(frozen=True)
class Forgotten:
    answers: int
    photos: int
    preferences: int = 0
    """1 when the user's remembered place or language was deleted too."""
    under_earlier_keys: int = 0
    """Answers kept since before the current key was first used (`register_key`): they may be this
    user's, hashed with a key that no longer finds them."""


@dataclass(frozen=True)
class StoredVerdict:
    """A verdict as stored: enough to decide it again for another place without the photo."""

    user_hash: str | None
    label: str
    """The label last answered (for `place`)."""
    best_guess: str
    probabilities: dict[str, float]
    snake_evidence: float | None
    detector_no_snake: float | None
    place: str | None
    """The place code the verdict was last answered for; None for none."""
    answered: bool
    """Whether the user has answered it (Right, Wrong...)."""


@dataclass(frozen=True)
class Preferences:
    """One user's remembered choices; None where they chose nothing."""

    place: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class VerdictAgreement:
    answers: int
    right: int


@dataclass(frozen=True)
class FeedbackStats:
    answers: int
    last_days: int
    """Answers in the last `STATS_DAYS` days."""
    by_verdict: dict[str, VerdictAgreement]
    by_answer: dict[str, int]
    photo_bytes: int


@dataclass(frozen=True)
class AnsweredPhoto:
    """One answer with its photo, as the training export reads it."""

    id: str
    label: str
    best_guess: str
    answer: str
    model_version: str
    answered_at: datetime
    photo: bytes


class FeedbackStore:
    def __init__(
        self,
        engine: Engine,
        max_photo_bytes: int | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """`max_photo_bytes`: the cap on all photos together (None: no cap, for readers such as exports)."""
        self.engine = engine
        self.max_photo_bytes = max_photo_bytes
        self._clock = clock
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._tidied_at: datetime | None = None

    def save_classification(
        self,
        classification_id: str,
        *,
        source: str,
        user_hash: str | None,
        label: str,
        best_guess: str,
        probabilities: dict[str, float],
        model_version: str,
        picture: Image.Image,
        snake_evidence: float | None = None,
        detector_no_snake: float | None = None,
        place: str | None = None,
        client_hash: str | None = None,
    ) -> None:
        """Keep a verdict the buttons refer to, with a small copy of its photo, until answered or old.

        `picture` is the photo decoded and upright (as the classifier saw it); `place` the place code the
        verdict was answered for. The scores let it be answered again for another place (`stored_verdict`).
        """
        small = small_copy(picture)
        with self._sessions.begin() as session:
            session.add(
                Classification(
                    id=classification_id,
                    created_at=self._clock(),
                    source=source,
                    user_hash=user_hash,
                    label=label,
                    best_guess=best_guess,
                    probabilities=probabilities,
                    model_version=model_version,
                    photo=small,
                    photo_size=len(small),
                    snake_evidence=snake_evidence,
                    detector_no_snake=detector_no_snake,
                    place=place,
                    client_hash=client_hash,
                )
            )
            session.flush()
            if user_hash is not None:
                self._keep_pending_of(session, Classification.user_hash == user_hash)
            if client_hash is not None:
                self._keep_pending_of(session, Classification.client_hash == client_hash)
            if self._tidy_due():
                session.execute(delete(Classification).where(self._expired()))
                self._keep_under_cap(session)

    def check(self, classification_id: str, user_hash: str | None) -> AnswerOutcome:
        """May this user still answer this verdict? (`OPEN` if so.)"""
        with self._sessions() as session:
            row = session.get(Classification, classification_id)
            return self._outcome_for(row, user_hash)

    def stored_verdict(self, classification_id: str) -> StoredVerdict | None:
        """The verdict behind a classification id; None when never stored, or unanswered and expired."""
        with self._sessions() as session:
            row = session.get(Classification, classification_id)
            if row is None or self._outcome_for(row, row.user_hash) is AnswerOutcome.UNKNOWN:
                return None
            return StoredVerdict(
                user_hash=row.user_hash,
                label=row.label,
                best_guess=row.best_guess,
                probabilities={name: float(value) for name, value in row.probabilities.items()},
                snake_evidence=row.snake_evidence,
                detector_no_snake=row.detector_no_snake,
                place=row.place,
                answered=row.answer is not None,
            )

    def reanswer(self, classification_id: str, label: str, place: str | None) -> bool:
        """The verdict was answered again for `place`, as `label`; False when there is no such verdict
        (never stored, or unanswered and expired, as for `stored_verdict`)."""
        with self._sessions.begin() as session:
            updated = session.execute(
                update(Classification)
                .where(Classification.id == classification_id, ~self._expired())
                .values(label=label, place=place)
            ).rowcount
        return bool(updated)

    def preferences(self, user_hash: str) -> Preferences:
        """The user's remembered place and language (an empty `Preferences` when none)."""
        with self._sessions() as session:
            row = session.get(Preference, user_hash)
            return Preferences() if row is None else Preferences(place=row.place, language=row.language)

    def remember_place(self, user_hash: str, place: str | None) -> None:
        """Remember where the user's snakes are seen (None: forget it)."""
        self._remember(user_hash, place=place)

    def remember_language(self, user_hash: str, language: str | None) -> None:
        """Remember the user's language (None: forget it, follow Telegram's)."""
        self._remember(user_hash, language=language)

    def record_answer(self, classification_id: str, answer: Answer, user_hash: str | None) -> AnswerResult:
        """Store the user's answer once: a second press, or someone else's press, changes nothing."""
        with self._sessions.begin() as session:
            recorded = session.execute(
                update(Classification)
                .where(
                    Classification.id == classification_id,
                    Classification.answer.is_(None),
                    ~self._expired(),
                    or_(Classification.user_hash.is_(None), Classification.user_hash == user_hash),
                )
                .values(answer=answer, answered_at=self._clock())
            ).rowcount
            row = session.get(Classification, classification_id)
            label = row.label if row is not None else None
            if recorded:
                self._keep_under_cap(session)
                return AnswerResult(AnswerOutcome.RECORDED, label)
            return AnswerResult(self._outcome_for(row, user_hash), label)

    def register_key(self, key_id: str) -> None:
        """Note that users' ids are now hashed with the key `key_id` fingerprints (once: from when)."""
        with self._sessions.begin() as session:
            if session.get(FeedbackKey, key_id) is None:
                session.add(FeedbackKey(key_id=key_id, first_used_at=self._clock()))

    def forget(self, user_hash: str, key_id: str | None = None) -> Forgotten:
        """Delete everything of one user: answers, photos and verdicts awaiting an answer."""
        mine = Classification.user_hash == user_hash
        with self._sessions.begin() as session:
            answers = session.scalar(select(func.count()).where(mine, Classification.answer.is_not(None)))
            photos = session.scalar(
                select(func.count()).where(
                    mine, Classification.answer.is_not(None), Classification.photo.is_not(None)
                )
            )
            session.execute(delete(Classification).where(mine))
            preferences = session.execute(
                delete(Preference).where(Preference.user_hash == user_hash)
            ).rowcount
            earlier = self._under_earlier_keys(session, key_id) if key_id is not None else 0
        checkpoint(self.engine)
        return Forgotten(
            answers=answers or 0,
            photos=photos or 0,
            preferences=preferences or 0,
            under_earlier_keys=earlier,
        )

    def _under_earlier_keys(self, session: Session, key_id: str) -> int:
        """Answers of Telegram users kept from before `key_id`'s key was first used, if another came first."""
        since = session.scalar(select(FeedbackKey.first_used_at).where(FeedbackKey.key_id == key_id))
        earlier_key = session.scalar(select(func.count()).where(FeedbackKey.key_id != key_id))
        if since is None or not earlier_key:
            return 0
        before = and_(Classification.user_hash.is_not(None), Classification.answer.is_not(None))
        return session.scalar(select(func.count()).where(before, Classification.created_at < since)) or 0

    def stats(self) -> FeedbackStats:
        """Counts for operators: answers in all and lately, agreement by verdict, answers by kind."""
        answered = Classification.answer.is_not(None)
        since = self._clock() - timedelta(days=STATS_DAYS)
        with self._sessions() as session:
            rows = session.execute(
                select(Classification.label, Classification.answer, func.count())
                .where(answered)
                .group_by(Classification.label, Classification.answer)
            ).all()
            last_days = session.scalar(
                select(func.count()).where(answered, Classification.answered_at >= since)
            )
            photo_bytes = session.scalar(select(func.coalesce(func.sum(Classification.photo_size), 0)))
        return _stats_from(rows, last_days or 0, photo_bytes or 0)

    def answered_photos(self, since: datetime | None = None) -> Iterator[AnsweredPhoto]:
        """Answers that still have their photo, oldest first, read a few at a time."""
        query = select(Classification).where(
            Classification.answer.is_not(None), Classification.photo.is_not(None)
        )
        if since is not None:
            query = query.where(Classification.answered_at >= since)
        with self._sessions() as session:
            rows = session.scalars(query.order_by(Classification.answered_at).execution_options(yield_per=50))
            for row in rows:
                yield AnsweredPhoto(
                    id=row.id,
                    label=row.label,
                    best_guess=row.best_guess,
                    answer=row.answer or "",
                    model_version=row.model_version,
                    answered_at=_aware(row.answered_at),
                    photo=row.photo or b"",
                )

    def _remember(self, user_hash: str, **choice: str | None) -> None:
        """Upsert one column of the user's preferences row, portably: update, else insert; an insert that
        loses the race to another process's insert updates the row that process made."""
        values = {**choice, "updated_at": self._clock()}
        mine = update(Preference).where(Preference.user_hash == user_hash).values(**values)
        with self._sessions.begin() as session:
            if session.execute(mine).rowcount:
                return
        try:
            with self._sessions.begin() as session:
                session.add(Preference(user_hash=user_hash, **values))
        except IntegrityError:
            with self._sessions.begin() as session:
                session.execute(mine)

    def _expired(self) -> Any:
        cutoff = self._clock() - timedelta(hours=PENDING_HOURS)
        return and_(Classification.answer.is_(None), Classification.created_at < cutoff)

    def _tidy_due(self) -> bool:
        """Whether `TIDY_EVERY` has passed since this store last tidied (then it counts as tidied now).

        Several threads may both find it due: they tidy twice, which is harmless.
        """
        now = self._clock()
        if self._tidied_at is not None and now - self._tidied_at < TIDY_EVERY:
            return False
        self._tidied_at = now
        return True

    def _outcome_for(self, row: Classification | None, user_hash: str | None) -> AnswerOutcome:
        if row is None:
            return AnswerOutcome.UNKNOWN
        if row.user_hash is not None and row.user_hash != user_hash:
            return AnswerOutcome.NOT_YOURS
        if row.answer is not None:
            return AnswerOutcome.ALREADY_ANSWERED
        if _aware(row.created_at) < self._clock() - timedelta(hours=PENDING_HOURS):
            return AnswerOutcome.UNKNOWN
        return AnswerOutcome.OPEN

    def _keep_pending_of(self, session: Session, owner: Any) -> None:
        """Past `PENDING_PHOTOS_PER_USER` photos awaiting one user's (or web client's) answer, drop the
        oldest ones' photos: one flood costs only its sender's older photos."""
        surplus = (
            select(Classification.id)
            .where(
                owner,
                Classification.answer.is_(None),
                Classification.photo.is_not(None),
            )
            .order_by(Classification.created_at.desc(), Classification.id)
            .offset(PENDING_PHOTOS_PER_USER)
        )
        chosen = list(session.scalars(surplus))
        if chosen:
            self._drop_photos(session, chosen)

    def _keep_under_cap(self, session: Session) -> None:
        """Drop photos until all fit in the cap: those awaiting an answer first (oldest first), then the
        "right" answers' (oldest first), and the corrections' last, so that no photo awaiting an answer
        ever pushes out what a user answered."""
        if self.max_photo_bytes is None:
            return
        total = session.scalar(select(func.coalesce(func.sum(Classification.photo_size), 0))) or 0
        excess = total - self.max_photo_bytes
        while excess > 0:
            victims = session.execute(
                select(Classification.id, Classification.photo_size)
                .where(Classification.photo.is_not(None))
                .order_by(
                    Classification.answer.is_not(None),
                    Classification.answer != "right",
                    func.coalesce(Classification.answered_at, Classification.created_at),
                    Classification.id,
                )
                .limit(PHOTOS_DROPPED_PER_QUERY)
            ).all()
            if not victims:
                return
            chosen = []
            for victim_id, size in victims:
                chosen.append(victim_id)
                excess -= size
                if excess <= 0:
                    break
            self._drop_photos(session, chosen)

    @staticmethod
    def _drop_photos(session: Session, classification_ids: list[str]) -> None:
        session.execute(
            update(Classification)
            .where(Classification.id.in_(classification_ids))
            .values(photo=None, photo_size=0)
        )


def _stats_from(rows: list[Any], last_days: int, photo_bytes: int) -> FeedbackStats:
    by_verdict: dict[str, VerdictAgreement] = {}
    by_answer: dict[str, int] = {}
    for label, answer, count in rows:
        seen = by_verdict.get(label, VerdictAgreement(0, 0))
        right = count if answer == "right" else 0
        by_verdict[label] = VerdictAgreement(seen.answers + count, seen.right + right)
        by_answer[answer] = by_answer.get(answer, 0) + count
    return FeedbackStats(
        answers=sum(by_answer.values()),
        last_days=last_days,
        by_verdict=by_verdict,
        by_answer=by_answer,
        photo_bytes=photo_bytes,
    )


def _aware(moment: datetime | None) -> datetime:
    """SQLite gives back naive datetimes; every time we store is UTC."""
    assert moment is not None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
