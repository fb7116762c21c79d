"""Fixtures shared by all tests: the tiny learner, the real data set where it exists, and databases."""

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from model import Classifier, load_classifier
from tests.postgres import PostgresServer, postgres_server, server_binaries
from tests.tiny_model import train_tiny_learner

REPOSITORY = Path(__file__).resolve().parents[1]
DATA_DIR = REPOSITORY.parent / "shared" / "data" / "snakes"


@pytest.fixture(scope="session")
def tiny_model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A learner trained in seconds on generated pictures (see tests/tiny_model.py)."""
    return train_tiny_learner(tmp_path_factory.mktemp("tiny_model"))


@pytest.fixture(scope="session")
def tiny_classifier(tiny_model_path: Path) -> Classifier:
    return load_classifier(tiny_model_path)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The real photo data set beside the repository; tests that need it skip where it is absent."""
    if not DATA_DIR.is_dir():
        pytest.skip(f"no data set at {DATA_DIR}")
    return DATA_DIR


_database_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the whole run; skips only where Debian's `postgresql` is not installed."""
    binaries = server_binaries()
    if binaries is None:
        pytest.skip("PostgreSQL server binaries (Debian: postgresql) missing")
    with postgres_server(binaries) as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a SQLite file, then a new database on the PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'feedback.sqlite3'}"
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.create_database(f"feedback_{next(_database_numbers)}")
