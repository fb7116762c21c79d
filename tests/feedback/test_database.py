"""Which database a URL means, and the keyed hash that stands in for a user's id."""

from pathlib import Path

from feedback import database_url, user_hash


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
