"""The store on an empty SQLite file and on a real PostgreSQL database, migrated from nothing."""

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

from PIL import Image
from sqlalchemy import inspect, text

from feedback import AnswerOutcome, FeedbackStore, StoredVerdict, migrate, open_engine, user_hash
from feedback.photos import LONG_SIDE
from feedback.store import PENDING_PHOTOS_PER_USER
from tests.feedback.conftest import Clock
from tests.tiny_model import draw_photo

ALICE = user_hash("secret", 555)
BOB = user_hash("secret", 556)
PROBABILITIES = {"coral_snake": 0.8, "kingsnake": 0.1, "other_snake": 0.05, "no_snake": 0.05}


def photo_with_location(size: tuple[int, int] = (1200, 800), seed: int = 1) -> Image.Image:
    """A decoded JPEG still carrying EXIF with a GPS position and a camera model, as phones write them."""
    exif = Image.Exif()
    exif[0x0110] = "Field Phone 12"  # Model
    exif[0x8825] = {1: "N", 2: (29.0, 45.0, 0.0)}  # GPSInfo
    output = io.BytesIO()
    draw_photo("coral_snake", seed=seed, size=size).save(output, "JPEG", exif=exif)
    picture = Image.open(output)
    assert picture.getexif()[0x0110] == "Field Phone 12"
    return picture


def save(
    store: FeedbackStore, classification_id: str, user: str | None = ALICE, seed: int = 1, **scores: Any
) -> None:
    store.save_classification(
        classification_id,
        source="telegram",
        user_hash=user,
        label="coral_snake",
        best_guess="coral_snake",
        probabilities=PROBABILITIES,
        model_version="abc123",
        picture=photo_with_location(seed=seed),
        **scores,
    )


def save_answered(store: FeedbackStore, classification_id: str, answer: str, seed: int = 1) -> None:
    save(store, classification_id, seed=seed)
    store.record_answer(classification_id, answer, ALICE)


def test_migrations_build_the_schema_from_empty_and_run_again_harmlessly(database_url: str) -> None:
    engine = open_engine(database_url)
    migrate(engine)
    migrate(engine)
    assert "classifications" in inspect(engine).get_table_names()
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == "0004"
    engine.dispose()


def test_the_total_of_photo_sizes_reads_an_index_not_the_photos(database_url: str) -> None:
    engine = open_engine(database_url)
    migrate(engine)
    indexes = {
        index["name"]: index["column_names"] for index in inspect(engine).get_indexes("classifications")
    }
    assert indexes["ix_classifications_photo_size"] == ["photo_size"]
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            plan = connection.execute(text("EXPLAIN QUERY PLAN SELECT sum(photo_size) FROM classifications"))
            assert "COVERING INDEX ix_classifications_photo_size" in str(plan.all())
    engine.dispose()


def test_an_answer_is_recorded_once_and_only_by_the_asker(store: FeedbackStore) -> None:
    save(store, "c1")
    assert store.check("c1", ALICE) is AnswerOutcome.OPEN
    assert store.check("c1", BOB) is AnswerOutcome.NOT_YOURS
    assert store.record_answer("c1", "coral_snake", BOB).outcome is AnswerOutcome.NOT_YOURS
    recorded = store.record_answer("c1", "kingsnake", ALICE)
    assert (recorded.outcome, recorded.label) == (AnswerOutcome.RECORDED, "coral_snake")
    assert store.record_answer("c1", "right", ALICE).outcome is AnswerOutcome.ALREADY_ANSWERED
    assert store.record_answer("nope", "right", ALICE).outcome is AnswerOutcome.UNKNOWN
    [answered] = store.answered_photos()
    assert (answered.id, answered.answer, answered.label, answered.model_version) == (
        "c1",
        "kingsnake",
        "coral_snake",
        "abc123",
    )


def test_web_verdicts_can_be_answered_by_whoever_holds_the_id(store: FeedbackStore) -> None:
    save(store, "w1", user=None)
    assert store.record_answer("w1", "no_snake", None).outcome is AnswerOutcome.RECORDED


def test_the_kept_photo_is_small_and_carries_no_metadata(store: FeedbackStore) -> None:
    save_answered(store, "c1", "right")
    [answered] = store.answered_photos()
    with Image.open(io.BytesIO(answered.photo)) as kept:
        assert kept.format == "JPEG"
        assert max(kept.size) == LONG_SIDE and kept.size == (400, 267)
        assert not kept.getexif()
        assert "icc_profile" not in kept.info and "exif" not in kept.info


def test_unanswered_verdicts_expire_with_their_photos(store: FeedbackStore, clock: Clock) -> None:
    save(store, "old")
    clock.advance(hours=25)
    assert store.record_answer("old", "right", ALICE).outcome is AnswerOutcome.UNKNOWN
    save(store, "new")  # saving clears what expired
    assert count_rows(store) == 1


def test_saving_tidies_at_most_once_a_second(store: FeedbackStore, clock: Clock) -> None:
    save(store, "first")  # tidies
    clock.advance(hours=-25)
    save(store, "stale")  # a day older than "first": expired once the clock is back
    clock.advance(hours=25)
    save(store, "same second")  # less than a second since the last tidy: "stale" stays
    assert count_rows(store) == 3
    clock.advance(seconds=1)
    save(store, "next second")
    assert count_rows(store) == 3  # "stale" deleted, "next second" added


def count_rows(store: FeedbackStore) -> int:
    with store.engine.connect() as connection:
        return connection.scalar(text("SELECT count(*) FROM classifications"))


def test_forget_deletes_everything_of_one_user_and_says_how_much(store: FeedbackStore) -> None:
    for name in ("a1", "a2", "a3"):
        save(store, name)
    save(store, "b1", user=BOB)
    store.record_answer("a1", "right", ALICE)
    store.record_answer("a2", "not_sure", ALICE)
    store.record_answer("b1", "right", BOB)
    forgotten = store.forget(ALICE)
    assert (forgotten.answers, forgotten.photos) == (2, 2)
    with store.engine.connect() as connection:
        mine = connection.scalar(
            text("SELECT count(*) FROM classifications WHERE user_hash = :u"), {"u": ALICE}
        )
    assert mine == 0
    assert [answer.id for answer in store.answered_photos()] == ["b1"]
    assert store.forget(ALICE).answers == 0


def test_the_photo_cap_drops_the_oldest_right_answers_before_any_correction(
    store: FeedbackStore, clock: Clock
) -> None:
    for index, answer in enumerate(["right", "coral_snake", "right", "kingsnake"]):
        save_answered(store, f"c{index}", answer, seed=index)
        clock.advance(minutes=1)
    sizes = store.stats().photo_bytes
    store.max_photo_bytes = sizes - 1  # one photo too many
    save(store, "c4", seed=9)  # awaiting an answer: its photo goes first, then the oldest "right" one
    store.record_answer("c4", "no_snake", ALICE)
    kept = [answer.id for answer in store.answered_photos()]
    assert kept == ["c1", "c2", "c3"]  # the corrections kept theirs
    assert store.stats().photo_bytes <= store.max_photo_bytes


def test_a_flood_of_unanswered_photos_never_costs_a_correction_its_photo(
    store: FeedbackStore, clock: Clock
) -> None:
    for index, answer in enumerate(["kingsnake", "kingsnake", "coral_snake"]):
        save_answered(store, f"wrong{index}", answer, seed=index)
    store.max_photo_bytes = store.stats().photo_bytes * 2  # room for three more photos, or so
    for index in range(80):
        clock.advance(seconds=2)  # every save tidies
        save(store, f"flood{index}", user=BOB, seed=100 + index)
    assert [answer.id for answer in store.answered_photos()] == ["wrong0", "wrong1", "wrong2"]
    assert store.stats().photo_bytes <= store.max_photo_bytes
    save(store, "late", seed=7)
    store.record_answer("late", "other_snake", ALICE)  # a new correction keeps its photo too
    assert "late" in [answer.id for answer in store.answered_photos()]


def test_one_user_keeps_at_most_twenty_photos_awaiting_an_answer(store: FeedbackStore, clock: Clock) -> None:
    for index in range(25):
        clock.advance(seconds=1)
        save(store, f"p{index}", user=BOB, seed=index)
    save(store, "alice", user=ALICE, seed=99)
    with store.engine.connect() as connection:
        kept = connection.scalars(
            text("SELECT id FROM classifications WHERE photo IS NOT NULL AND user_hash = :u ORDER BY id"),
            {"u": BOB},
        ).all()
    assert len(kept) == PENDING_PHOTOS_PER_USER and not {"p0", "p1", "p2", "p3", "p4"} & set(kept)
    assert store.stored_verdict("p0") is not None  # the verdict stays answerable, only its photo went


def test_stats_count_agreement_by_verdict_and_the_last_week(store: FeedbackStore, clock: Clock) -> None:
    save_answered(store, "c1", "right")
    clock.advance(days=10)
    save_answered(store, "c2", "kingsnake")
    save(store, "c3")  # not answered: not counted
    stats = store.stats()
    assert stats.answers == 2 and stats.last_days == 1
    assert stats.by_verdict["coral_snake"].answers == 2 and stats.by_verdict["coral_snake"].right == 1
    assert stats.by_answer == {"right": 1, "kingsnake": 1}


def test_answered_photos_since_a_date(store: FeedbackStore, clock: Clock) -> None:
    save_answered(store, "early", "right")
    clock.advance(days=3)
    save_answered(store, "late", "no_snake")
    since = clock.now - timedelta(days=1)
    assert [answer.id for answer in store.answered_photos(since)] == ["late"]


def test_a_stored_verdict_keeps_its_scores_and_place(store: FeedbackStore) -> None:
    save(store, "c1", snake_evidence=0.93, detector_no_snake=0.02, place="US-TX")
    assert store.stored_verdict("c1") == StoredVerdict(
        user_hash=ALICE,
        label="coral_snake",
        best_guess="coral_snake",
        probabilities=PROBABILITIES,
        snake_evidence=0.93,
        detector_no_snake=0.02,
        place="US-TX",
        answered=False,
    )
    save(store, "w1", user=None)  # a network without those heads, answered for no place
    web = store.stored_verdict("w1")
    assert web is not None
    assert (web.user_hash, web.snake_evidence, web.detector_no_snake, web.place) == (None, None, None, None)
    store.record_answer("c1", "right", ALICE)
    answered = store.stored_verdict("c1")
    assert answered is not None and answered.answered


def test_unknown_and_expired_verdicts_have_no_stored_verdict(store: FeedbackStore, clock: Clock) -> None:
    assert store.stored_verdict("nope") is None
    save(store, "old")
    save_answered(store, "kept", "right")
    clock.advance(hours=25)
    assert store.stored_verdict("old") is None  # expired even before tidying deletes it
    assert store.reanswer("old", "uncertain", "MX") is False
    assert store.stored_verdict("kept") is not None  # answered verdicts do not expire


def test_reanswering_changes_the_label_and_place(store: FeedbackStore) -> None:
    save(store, "c1", snake_evidence=0.9, place=None)
    assert store.reanswer("c1", "uncertain", "QS") is True
    again = store.stored_verdict("c1")
    assert again is not None and (again.label, again.place) == ("uncertain", "QS")
    assert again.snake_evidence == 0.9 and again.best_guess == "coral_snake"
    assert store.reanswer("c1", "kingsnake", None) is True
    again = store.stored_verdict("c1")
    assert again is not None and (again.label, again.place) == ("kingsnake", None)
    assert store.reanswer("nope", "kingsnake", "US") is False
    store.record_answer("c1", "right", ALICE)
    [answered] = store.answered_photos()
    assert answered.label == "kingsnake"  # the answer is to the verdict last shown


def test_forgotten_photos_leave_no_readable_copy_in_the_sqlite_files(tmp_path: Path, clock: Clock) -> None:
    database = tmp_path / "feedback.sqlite3"
    engine = open_engine(f"sqlite:///{database}")
    migrate(engine)
    store = FeedbackStore(engine, clock=clock)
    save_answered(store, "mine", "kingsnake", seed=5)
    save(store, "kept", user=BOB, seed=6)  # someone else's row stays, and so does the file
    store.record_answer("kept", "right", BOB)
    with engine.connect() as connection:
        photos = dict(connection.execute(text("SELECT id, photo FROM classifications")).all())
    store.forget(ALICE)
    files = [path for path in tmp_path.iterdir() if path.name.startswith("feedback.sqlite3")]
    still_there = b"".join(path.read_bytes() for path in files)
    mine = photos["mine"]
    pieces = [mine[start : start + 64] for start in range(0, len(mine) - 64, 64)]
    own = [piece for piece in pieces if piece not in photos["kept"]]  # not the JPEG headers both share
    assert len(own) > 10 and not [piece for piece in own if piece in still_there]
    engine.dispose()


def test_forget_tells_of_answers_kept_under_an_earlier_key(store: FeedbackStore, clock: Clock) -> None:
    store.register_key("old-key")
    save_answered(store, "before", "kingsnake")  # ALICE, hashed with the old key
    clock.advance(days=1)
    store.register_key("new-key")  # FEEDBACK_SECRET changed: ALICE's id now hashes to something else
    store.register_key("new-key")  # noted once, from when it was first used
    alice_now = user_hash("another secret", 555)
    forgotten = store.forget(alice_now, "new-key")
    assert (forgotten.answers, forgotten.under_earlier_keys) == (0, 1)
    save_answered(store, "after", "kingsnake")
    assert store.forget(BOB, "new-key").under_earlier_keys == 1  # still there: no one can tell whose
    assert store.forget(ALICE, "old-key").under_earlier_keys == 0  # the first key has no earlier one


def test_one_web_client_keeps_at_most_twenty_photos_awaiting_an_answer(
    store: FeedbackStore, clock: Clock
) -> None:
    for index in range(25):
        clock.advance(seconds=1)
        store.save_classification(
            f"w{index}",
            source="web",
            user_hash=None,
            label="coral_snake",
            best_guess="coral_snake",
            probabilities=PROBABILITIES,
            model_version="abc123",
            picture=photo_with_location(seed=index),
            client_hash="one client",
        )
    with store.engine.connect() as connection:
        kept = connection.scalar(text("SELECT count(*) FROM classifications WHERE photo IS NOT NULL"))
    assert kept == PENDING_PHOTOS_PER_USER
