"""The feedback service on the event loop: remembered choices, and a database that is slow or gone."""

import asyncio
import logging
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.feedback_service import FeedbackService, FeedbackUnavailable
from bot.metrics import Metrics
from feedback import FeedbackStore, Preferences, StoredVerdict, migrate, open_engine, user_hash
from model import Classified, Verdict
from tests.postgres import postgres_server, server_binaries
from tests.tiny_model import draw_photo

SECRET = "secret"


class HangingStore(FeedbackStore):
    """Preference reads hang (up to 5 s) until released, as on a database that stopped answering."""

    def __init__(self, url: str) -> None:
        super().__init__(open_engine(url))
        self.released = threading.Event()
        self.reads = 0

    def preferences(self, user_hash: str) -> Preferences:
        self.reads += 1
        self.released.wait(5)
        return super().preferences(user_hash)


def service_for(store: FeedbackStore) -> FeedbackService:
    return FeedbackService(store, SECRET, Metrics(lambda: 0))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'feedback.sqlite3'}"
    engine = open_engine(url)
    migrate(engine)
    engine.dispose()
    return url


@pytest.fixture
def hanging(sqlite_url: str) -> Iterator[HangingStore]:
    store = HangingStore(sqlite_url)
    yield store
    store.released.set()
    store.engine.dispose()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_choices_are_remembered_through_the_service(database_url: str) -> None:
    engine = open_engine(database_url)
    migrate(engine)
    service = service_for(FeedbackStore(engine))
    try:
        assert await service.preferences(555) == Preferences()
        await service.remember_place(555, "US-TX")
        await service.remember_language(555, "es")
        assert await service.preferences(555) == Preferences(place="US-TX", language="es")
        assert await service.preferences(556) == Preferences()
        assert (await service.forget(555)).preferences == 1
        assert await service.preferences(555) == Preferences()
    finally:
        service.close()


async def test_an_offered_verdict_keeps_its_scores_and_place_to_answer_again(sqlite_url: str) -> None:
    service = service_for(FeedbackStore(open_engine(sqlite_url)))
    probabilities = {"coral_snake": 0.7, "kingsnake": 0.2, "other_snake": 0.05, "no_snake": 0.05}
    verdict = Verdict(
        "uncertain", "coral_snake", 0.7, probabilities, snake_evidence=0.9, detector_no_snake=0.1
    )
    classified = Classified(verdict, draw_photo("coral_snake", seed=1))
    classification_id = await service.offer("telegram", 555, classified, "v1", place="US-TX")
    assert classification_id is not None
    assert await service.stored_verdict(classification_id) == StoredVerdict(
        user_hash=user_hash(SECRET, 555),
        label="uncertain",
        best_guess="coral_snake",
        probabilities=probabilities,
        snake_evidence=0.9,
        detector_no_snake=0.1,
        place="US-TX",
        answered=False,
    )
    assert await service.reanswer(classification_id, "coral_snake", "MX") is True
    again = await service.stored_verdict(classification_id)
    assert again is not None and (again.label, again.place) == ("coral_snake", "MX")
    assert await service.stored_verdict("nope") is None
    assert await service.reanswer("nope", "coral_snake", None) is False
    service.close()


async def test_a_hanging_database_means_the_defaults_at_once(
    hanging: HangingStore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.feedback_service")
    service = service_for(hanging)
    await service.remember_place(555, "MX")  # writes are not hanging
    started = time.monotonic()
    assert await service.preferences(555) == Preferences()  # the default deadline, 0.5 s
    assert time.monotonic() - started < 1
    started = time.monotonic()
    for _ in range(5):  # while the first read still hangs, no other starts and none waits
        assert await service.preferences(555, timeout=0.2) == Preferences()
    assert time.monotonic() - started < 0.1
    assert hanging.reads == 1
    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 1 and "too slow" in warnings[0].getMessage()

    hanging.released.set()  # the database answers again
    for _ in range(100):
        if hanging.reads and service._hanging is not None and service._hanging.done():
            break
        await asyncio.sleep(0.01)
    assert await service.preferences(555) == Preferences(place="MX")
    assert "feedback database quick again" in caplog.text
    service.close()


async def test_an_unreachable_database_means_the_defaults(caplog: pytest.LogCaptureFixture) -> None:
    url = f"postgresql+psycopg://test@127.0.0.1:{closed_port()}/feedback"
    service = service_for(FeedbackStore(open_engine(url)))
    try:
        started = time.monotonic()
        for _ in range(3):
            assert await service.preferences(555) == Preferences()
        assert time.monotonic() - started < 1
        errors = [record for record in caplog.records if record.levelno == logging.ERROR]
        assert len(errors) == 1 and "while reading preferences" in errors[0].getMessage()
        with pytest.raises(FeedbackUnavailable):
            await service.remember_place(555, "US")
        with pytest.raises(FeedbackUnavailable):
            await service.remember_language(555, "en")
        with pytest.raises(FeedbackUnavailable):
            await service.stored_verdict("c1")
        with pytest.raises(FeedbackUnavailable):
            await service.reanswer("c1", "uncertain", "US")
    finally:
        service.close()


async def test_a_failing_store_means_the_defaults(sqlite_url: str, caplog: pytest.LogCaptureFixture) -> None:
    class Broken(FeedbackStore):
        def preferences(self, user_hash: str) -> Preferences:
            raise ValueError("a bug")

    service = service_for(Broken(open_engine(sqlite_url)))
    assert await service.preferences(555) == Preferences()
    assert "could not read a user's preferences" in caplog.text
    service.close()


@pytest.mark.skipif(
    server_binaries() is None, reason="PostgreSQL server binaries (Debian: postgresql) missing"
)
async def test_a_database_down_at_start_up_is_migrated_once_it_comes_up(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr("bot.feedback_service.MIGRATION_RETRY_MAX_SECONDS", 1.0)
    with postgres_server(server_binaries()) as server:
        url = server.create_database("feedback")
        server.stop()
        service = service_for(FeedbackStore(open_engine(url)))
        with caplog.at_level(logging.INFO, logger="bot.feedback_service"):
            await service.migrate()  # returns at once: the bot answers photos meanwhile
            with pytest.raises(FeedbackUnavailable):
                await service.remember_place(555, "US")
            server.start()
            for _ in range(60):
                if service._migrating is not None and service._migrating.done():
                    break
                await asyncio.sleep(0.5)
            await service.remember_place(555, "US")  # no restart needed
            assert (await service.preferences(555)).place == "US"
        service.close()
    lines = [record.getMessage() for record in caplog.records]
    assert sum("unavailable while migrating" in line for line in lines) == 1
    assert lines.count("feedback database migrated") == 1
