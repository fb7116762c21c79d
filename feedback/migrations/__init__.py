"""Alembic migrations, run from code: at the bot's start-up and by `python -m bot migrate`."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

HERE = Path(__file__).parent


def migrate(engine: Engine) -> None:
    """Bring the database to the newest schema (creating it from empty); safe to run every start."""
    config = Config()
    config.set_main_option("script_location", str(HERE))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
