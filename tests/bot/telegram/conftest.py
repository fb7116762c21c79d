"""A bot whose answer depends on the place, and the means to read what it keeps.

With the tiny model a kingsnake drawing scores about 0.94: under a strict `kingsnake` threshold of 1.0
it is "can't tell", and where every coral snake keeps the rhyme (threshold 0.3) it is a harmless mimic.
"""

import dataclasses
import io
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import pytest
from PIL import ExifTags, Image
from sqlalchemy import text

from bot.server import running_bot
from feedback import open_engine
from model import Classifier, Thresholds
from model.places import RHYME_HOLDS
from model.policy import Policy
from tests.bot.conftest import RunningBot, post_webhook, settings_for
from tests.fakes.telegram_api import FakeTelegram
from tests.tiny_model import draw_photo

REGIONAL_POLICY = Policy(Thresholds(kingsnake=1.0), {RHYME_HOLDS: Thresholds(kingsnake=0.3)})
EL_PASO = (31.76, -106.487)
"""US-TX, a few kilometres from Ciudad Juárez across the border."""
HERMOSILLO = (29.07, -110.96)
"""MX-SON."""
AT_SEA = (0.0, -140.0)


@pytest.fixture(scope="session")
def regional_classifier(tiny_classifier: Classifier) -> Classifier:
    """The tiny model with a policy of its own for the places where the rhyme holds."""
    return dataclasses.replace(tiny_classifier, policy=REGIONAL_POLICY)


StartBot = Callable[[], AbstractAsyncContextManager[RunningBot]]


@pytest.fixture
def start_bot(telegram: FakeTelegram, regional_classifier: Classifier) -> StartBot:
    """Starts the bot in webhook mode on the test's database; again after a stop, as after a restart."""

    @asynccontextmanager
    async def started() -> AsyncIterator[RunningBot]:
        settings = settings_for(telegram, "webhook")
        async with running_bot(settings, regional_classifier):
            yield RunningBot(telegram, settings, lambda update: post_webhook(settings, update))

    return started


@pytest.fixture
async def regional_bot(start_bot: StartBot) -> AsyncIterator[RunningBot]:
    async with start_bot() as bot:
        yield bot


def table(bot: RunningBot, name: str) -> list[dict[str, Any]]:
    """Every row of one table of the bot's database."""
    engine = open_engine(bot.settings.database_url)
    try:
        with engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(text(f"SELECT * FROM {name}"))]
    finally:
        engine.dispose()


def jpeg_taken_at(label: str, latitude: float, longitude: float, seed: int = 0) -> bytes:
    """A drawing saved as a camera would save it, with the GPS position in its EXIF."""
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = {
        1: "N" if latitude >= 0 else "S",
        2: _degrees_minutes_seconds(abs(latitude)),
        3: "E" if longitude >= 0 else "W",
        4: _degrees_minutes_seconds(abs(longitude)),
    }
    buffer = io.BytesIO()
    draw_photo(label, seed).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def _degrees_minutes_seconds(degrees: float) -> tuple[float, float, float]:
    minutes = (degrees % 1) * 60
    return (float(int(degrees)), float(int(minutes)), round((minutes % 1) * 60, 2))
