"""Each user's remembered place and language, on SQLite and PostgreSQL: kept, changed and forgotten."""

from typing import Any

from sqlalchemy import event, select

from feedback import FeedbackStore, Preferences, open_engine
from feedback.schema import Preference
from tests.feedback.conftest import Clock
from tests.feedback.test_store import ALICE, BOB, save


def test_no_row_means_empty_preferences(store: FeedbackStore) -> None:
    assert store.preferences(ALICE) == Preferences() == Preferences(place=None, language=None)


def test_place_and_language_are_remembered_and_changed_separately(store: FeedbackStore, clock: Clock) -> None:
    store.remember_place(ALICE, "US-TX")
    assert store.preferences(ALICE) == Preferences(place="US-TX")
    clock.advance(minutes=5)
    store.remember_language(ALICE, "es")
    assert store.preferences(ALICE) == Preferences(place="US-TX", language="es")
    store.remember_place(ALICE, "MX-SON")
    assert store.preferences(ALICE) == Preferences(place="MX-SON", language="es")
    store.remember_place(ALICE, None)
    assert store.preferences(ALICE) == Preferences(language="es")
    store.remember_language(BOB, "en")
    assert store.preferences(BOB) == Preferences(language="en")
    assert store.preferences(ALICE) == Preferences(language="es")
    with store.engine.connect() as connection:
        rows = connection.execute(select(Preference.user_hash, Preference.updated_at)).all()
    assert len(rows) == 2
    updated = {user: moment for user, moment in rows}[ALICE]
    assert updated.replace(tzinfo=None) == clock.now.replace(tzinfo=None)


def test_preferences_survive_a_new_engine(store: FeedbackStore, database_url: str) -> None:
    store.remember_place(ALICE, "ZZ")
    engine = open_engine(database_url)  # a restart, or another process
    try:
        assert FeedbackStore(engine).preferences(ALICE) == Preferences(place="ZZ")
    finally:
        engine.dispose()


def test_an_insert_losing_a_race_updates_the_winners_row(store: FeedbackStore, database_url: str) -> None:
    """Another process inserts the same user's row between our update (no row yet) and our insert."""
    other = FeedbackStore(open_engine(database_url))
    raced = []

    def other_process_first(connection: Any, cursor: Any, statement: str, *rest: Any) -> None:
        if statement.startswith("INSERT INTO preferences") and not raced:
            raced.append(statement)
            other.remember_language(ALICE, "pt")

    event.listen(store.engine, "before_cursor_execute", other_process_first)
    try:
        store.remember_place(ALICE, "QS")
    finally:
        event.remove(store.engine, "before_cursor_execute", other_process_first)
        other.engine.dispose()
    assert raced
    assert store.preferences(ALICE) == Preferences(place="QS", language="pt")


def test_forget_deletes_the_preferences_and_counts_them(store: FeedbackStore) -> None:
    save(store, "a1")
    store.record_answer("a1", "right", ALICE)
    store.remember_place(ALICE, "US")
    store.remember_language(BOB, "es")
    forgotten = store.forget(ALICE)
    assert (forgotten.answers, forgotten.photos, forgotten.preferences) == (1, 1, 1)
    assert store.preferences(ALICE) == Preferences()
    assert store.preferences(BOB) == Preferences(language="es")
    assert store.forget(ALICE).preferences == 0
