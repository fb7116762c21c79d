"""The bot running for real against the fake Bot API server, in polling or webhook mode."""

import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.server import running_bot
from bot.settings import Settings, load_settings
from bot.web.app import SECRET_HEADER
from model import Classifier
from tests.fakes.image_host import image_app, serving
from tests.fakes.telegram_api import FIELD_USER, FakeTelegram, SentMessage
from tests.tiny_model import photo_bytes

TOKEN = "123456:TEST-token_abcdefghijklmnopqrstuvwxyz"
SECRET = "webhook-secret_123"
PRIVATE_CHAT = {"id": 4242, "type": "private", "first_name": "Field"}
GROUP_CHAT = {"id": -100777, "type": "supergroup", "title": "Field trip"}


@pytest.fixture(autouse=True)
def in_a_temporary_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bot's default data folder (./data, the feedback database) lands in the test's own folder."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram(token=TOKEN)
    async with serving(fake.web_app()) as base:
        fake.base = base
        yield fake


@pytest.fixture
async def image_host() -> AsyncIterator[str]:
    """A web server with an image, a web page and a redirect to the image; yields its base URL."""

    async def page(request: web.Request) -> web.Response:
        return web.Response(text="<html>a snake page</html>", content_type="text/html")

    async def moved(request: web.Request) -> web.Response:
        raise web.HTTPFound("/coral.jpg")

    app = image_app({"/coral.jpg": photo_bytes("coral_snake", seed=7)})
    app.router.add_get("/page.html", page)
    app.router.add_get("/moved", moved)
    async with serving(app) as base:
        yield base


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def settings_for(telegram: FakeTelegram, mode: str, **environment: str) -> Settings:
    port = free_port()
    base = telegram.base.rstrip("/")
    return load_settings(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "BOT_MODE": mode,
            "WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram/webhook",
            "WEBHOOK_SECRET": SECRET,
            "PORT": str(port),
            "TELEGRAM_API_BASE_URL": f"{base}/bot",
            "TELEGRAM_FILE_BASE_URL": f"{base}/file/bot",
            "FETCH_ALLOWED_NETWORKS": "127.0.0.0/8",
            **environment,
        }
    )


@dataclass
class RunningBot:
    """A started bot and the means to play a user talking to it."""

    telegram: FakeTelegram
    settings: Settings
    deliver: Callable[[dict[str, Any]], Awaitable[None]]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.settings.port}"

    async def send(self, message: dict[str, Any]) -> int:
        """Deliver a user's message as an update; returns its message_id."""
        await self.deliver(self.telegram.update_for(message))
        return message["message_id"]

    async def ask(self, message: dict[str, Any]) -> str:
        """Deliver a message and return the text of the bot's reply to it."""
        return (await self.reply_to(message)).visible_text

    async def reply_to(self, message: dict[str, Any]) -> SentMessage:
        """Deliver a message and return the bot's reply to it, buttons and all."""
        return await self.telegram.replies_to(await self.send(message))

    async def press(
        self, sent: SentMessage, button_text: str, user: dict[str, Any] = FIELD_USER
    ) -> dict[str, Any]:
        """Press an inline button under a message the bot sent; returns the bot's answerCallbackQuery."""
        update = self.telegram.button_press(sent, button_text, user)
        await self.deliver(update)
        return await self.telegram.callback_answer(update["callback_query"]["id"])


async def post_webhook(settings: Settings, update: dict[str, Any], secret: str | None = SECRET) -> int:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    url = f"http://127.0.0.1:{settings.port}{settings.webhook_path}"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=update, headers=headers) as response,
    ):
        return response.status


@pytest.fixture(params=["polling", "webhook"])
async def bot(
    request: pytest.FixtureRequest, telegram: FakeTelegram, tiny_classifier: Classifier
) -> AsyncIterator[RunningBot]:
    settings = settings_for(telegram, request.param)
    if request.param == "polling":
        deliver = telegram.queue_update
    else:

        async def deliver(update: dict[str, Any]) -> None:
            assert await post_webhook(settings, update) == 200

    async with running_bot(settings, tiny_classifier):
        yield RunningBot(telegram, settings, deliver)


@pytest.fixture
async def webhook_bot(telegram: FakeTelegram, tiny_classifier: Classifier) -> AsyncIterator[RunningBot]:
    settings = settings_for(telegram, "webhook")
    async with running_bot(settings, tiny_classifier):
        yield RunningBot(telegram, settings, lambda update: post_webhook(settings, update))
