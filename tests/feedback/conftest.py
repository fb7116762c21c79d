"""A migrated store on each database, with a clock the tests move."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from feedback import FeedbackStore, migrate, open_engine


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **elapsed: float) -> None:
        self.now += timedelta(**elapsed)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(database_url: str, clock: Clock) -> Iterator[FeedbackStore]:
    engine = open_engine(database_url)
    migrate(engine)
    yield FeedbackStore(engine, max_photo_bytes=10 * 1024 * 1024, clock=clock)
    engine.dispose()
