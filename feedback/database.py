"""Which database: `DATABASE_URL` when set (PostgreSQL on Heroku), else a SQLite file in the data folder."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

SQLITE_FILE = "feedback.sqlite3"
HEROKU_SCHEMES = ("postgres://", "postgresql://")
PSYCOPG_SCHEME = "postgresql+psycopg://"


def database_url(configured: str, data_dir: Path) -> str:
    """The SQLAlchemy URL: Heroku's `postgres://` URLs get the psycopg 3 driver; nothing set means SQLite."""
    configured = configured.strip()
    if not configured:
        return f"sqlite:///{(data_dir / SQLITE_FILE).resolve()}"
    for scheme in HEROKU_SCHEMES:
        if configured.startswith(scheme):
            return PSYCOPG_SCHEME + configured.removeprefix(scheme)
    return configured


def database_url_from(environ: Mapping[str, str]) -> str:
    """The URL that `DATABASE_URL` and `DATA_DIR` (default ./data) in `environ` mean."""
    return database_url(environ.get("DATABASE_URL", ""), Path(environ.get("DATA_DIR", "").strip() or "data"))


def open_engine(url: str) -> Engine:
    """An engine that checks connections before use (a restarted server costs one retry, not an error)."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 5})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, connect_args={"connect_timeout": 5})


def _sqlite_pragmas(connection: Any, record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers and one writer at once, across processes
    # In WAL mode NORMAL never corrupts the database; a power cut may lose the last commits.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten, not left in free pages
    cursor.close()


def checkpoint(engine: Engine) -> None:
    """Copy SQLite's write-ahead log into the database file and empty it: after a deletion, the deleted
    rows must not stay readable in the `-wal` file while the bot runs. Nothing to do on PostgreSQL."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
