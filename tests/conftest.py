"""Fixtures shared by all tests: the tiny learner, and the real data set where it exists."""

from pathlib import Path

import pytest

from model import Classifier, load_classifier
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
