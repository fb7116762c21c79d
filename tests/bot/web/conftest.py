"""The web app built as the server builds it, behind aiohttp's test client."""

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.feedback_service import open_feedback
from bot.images import ImageFetcher
from bot.inference import InferenceService
from bot.metrics import Metrics, ObservedInference
from bot.settings import load_settings
from bot.telegram.application import build_application
from bot.telegram.handlers import Services
from bot.web.app import build_web_app
from model import Classifier

ApiClientFactory = Callable[..., Awaitable[TestClient]]


@pytest.fixture
async def make_client(tiny_classifier: Classifier, tmp_path: Path) -> AsyncIterator[ApiClientFactory]:
    """Build a test client for the web app with extra settings, e.g. `await make_client(API_KEY="k")`.

    Its feedback database is a SQLite file in the test's temporary folder unless DATABASE_URL is given.
    """
    async with AsyncExitStack() as stack:

        async def make(classifier: Classifier = tiny_classifier, **environment: str) -> TestClient:
            settings = load_settings(
                {
                    "TELEGRAM_BOT_TOKEN": "1:test",
                    "FETCH_ALLOWED_NETWORKS": "127.0.0.0/8",
                    "DATA_DIR": str(tmp_path / "data"),
                    **environment,
                }
            )
            inference = InferenceService(
                classifier, settings.inference_workers, settings.inference_queue_size
            )
            stack.callback(inference.shutdown)
            metrics = Metrics(lambda: inference.queue_depth)
            fetcher = ImageFetcher(settings.fetch_allowed_networks)
            await fetcher.start()
            stack.push_async_callback(fetcher.close)
            feedback = open_feedback(settings, metrics)
            await feedback.migrate()
            stack.callback(feedback.close)
            telegram = build_application(
                settings, Services(ObservedInference(inference, metrics, "telegram"), fetcher, feedback)
            )
            app = build_web_app(settings, telegram, inference, fetcher, metrics, feedback)
            client = TestClient(TestServer(app, host="127.0.0.1"))
            await client.start_server()
            stack.push_async_callback(client.close)
            return client

        yield make


@pytest.fixture
async def client(make_client: ApiClientFactory) -> TestClient:
    return await make_client()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    """Headless Chromium (tests/bot/web/test_page.py says which, and skips without it)."""
    from tests.bot.web.test_page import start_browser

    driver = start_browser(tmp_path / "profile")
    yield driver
    driver.quit()


@pytest.fixture
def spanish_browser(tmp_path: Path) -> Iterator[object]:
    """The same, set to Mexican Spanish."""
    from tests.bot.web.test_page import start_browser

    driver = start_browser(tmp_path / "profile-es", accept_language="es-MX,es")
    yield driver
    driver.quit()
