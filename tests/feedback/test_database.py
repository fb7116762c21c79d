"""Which database a URL means, the keyed hash that stands in for a user's id, and migrating both ways."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, inspect, text

from feedback import database_url, migrate, open_engine, user_hash
from feedback.migrations import HERE as MIGRATIONS


def test_no_url_means_a_sqlite_file_in_the_data_folder(tmp_path: Path) -> None:
    assert database_url("", tmp_path) == f"sqlite:///{tmp_path.resolve()}/feedback.sqlite3"


def test_heroku_postgres_urls_get_the_psycopg_driver(tmp_path: Path) -> None:
    heroku = "postgres://user:pw@host:5432/db"
    assert database_url(heroku, tmp_path) == "postgresql+psycopg://user:pw@host:5432/db"
    assert database_url("postgresql://u@h/d", tmp_path) == "postgresql+psycopg://u@h/d"
    assert database_url("postgresql+psycopg://u@h/d", tmp_path) == "postgresql+psycopg://u@h/d"


def test_user_ids_are_hashed_with_the_secret() -> None:
    assert user_hash("one", 555) == user_hash("one", 555)
    assert user_hash("one", 555) != user_hash("two", 555)
    assert "555" not in user_hash("one", 555) and len(user_hash("one", 555)) == 64


def migrate_to(engine: Engine, revision: str, *, down: bool = False) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def schema(engine: Engine) -> tuple[set[str], set[str]]:
    """The tables, and the columns of classifications."""
    found = inspect(engine)
    tables = set(found.get_table_names()) - {"alembic_version"}
    columns = {column["name"] for column in found.get_columns("classifications")} if tables else set()
    return tables, columns


def version(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return connection.scalar(text("SELECT version_num FROM alembic_version"))


NEW_COLUMNS = {"snake_evidence", "detector_no_snake", "place"}
CLIENT_COLUMN = {"client_hash"}


def test_migrations_run_up_from_empty_and_all_the_way_down(database_url: str) -> None:
    engine = open_engine(database_url)
    try:
        migrate(engine)
        assert version(engine) == "0004"
        tables, columns = schema(engine)
        assert tables == {"classifications", "preferences", "feedback_keys"}
        assert columns >= NEW_COLUMNS | CLIENT_COLUMN

        migrate_to(engine, "0003", down=True)
        tables, columns = schema(engine)
        assert tables == {"classifications", "preferences"} and not CLIENT_COLUMN & columns
        preference_columns = {column["name"] for column in inspect(engine).get_columns("preferences")}
        assert preference_columns == {"user_hash", "place", "language", "updated_at"}

        migrate_to(engine, "0002", down=True)
        tables, columns = schema(engine)
        assert tables == {"classifications"} and not NEW_COLUMNS & columns
        indexes = {index["name"] for index in inspect(engine).get_indexes("classifications")}
        assert "ix_classifications_photo_size" in indexes  # kept through SQLite's copy of the table

        migrate_to(engine, "base", down=True)
        assert schema(engine) == (set(), set())
        migrate(engine)  # and up again
        assert version(engine) == "0004" and schema(engine)[1] >= NEW_COLUMNS | CLIENT_COLUMN
    finally:
        engine.dispose()


def test_rows_from_before_the_upgrade_keep_their_data(database_url: str) -> None:
    engine = open_engine(database_url)
    try:
        migrate_to(engine, "0002")
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO classifications (id, created_at, source, user_hash, label, best_guess,"
                    " probabilities, model_version, photo_size) VALUES ('old', :now, 'telegram', 'u',"
                    " 'coral_snake', 'coral_snake', '{\"coral_snake\": 1.0}', 'v1', 0)"
                ),
                {"now": "2026-11-01 12:00:00+00:00"},
            )
        migrate(engine)
        with engine.connect() as connection:
            row = connection.execute(
                text("SELECT label, snake_evidence, detector_no_snake, place FROM classifications")
            ).one()
        assert tuple(row) == ("coral_snake", None, None, None)
        migrate_to(engine, "0002", down=True)
        with engine.connect() as connection:
            assert (
                connection.scalar(text("SELECT label FROM classifications WHERE id = 'old'")) == "coral_snake"
            )
    finally:
        engine.dispose()
