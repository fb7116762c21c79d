"""PTB's calls through aiohttp: forms and uploads arrive as the Bot API reads them; failures become PTB's.

The bot's conversations (tests/bot) run every call through this class against the fake Bot API; these
tests cover what the bot itself never sends: a file upload, and a server that is not there.
"""

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import NetworkError

from bot.telegram.bot_api_client import AiohttpRequest
from tests.bot.conftest import free_port

TOKEN = "123:abc"
ME = {"id": 1, "is_bot": True, "first_name": "Snakes", "username": "snake_bot"}


@pytest.fixture
async def bot_api() -> AsyncIterator[tuple[str, dict[str, dict]]]:
    """A Bot API that answers getMe and records every other call's form, files as bytes."""
    received: dict[str, dict] = {}

    async def answer(request: web.Request) -> web.Response:
        method = request.match_info["method"]
        form = await request.post()
        received[method] = {name: _read(value) for name, value in form.items()}
        return web.json_response({"ok": True, "result": ME if method == "getMe" else True})

    app = web.Application()
    app.router.add_post(f"/bot{TOKEN}/{{method}}", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield f"http://127.0.0.1:{port}/bot", received
    await runner.cleanup()


def _read(value: str | web.FileField) -> str | bytes:
    return value.file.read() if isinstance(value, web.FileField) else value


def bot_at(base_url: str) -> Bot:
    return Bot(TOKEN, base_url=base_url, request=AiohttpRequest(connections=2, timeout=5))


async def test_a_form_and_an_upload_arrive_as_sent(bot_api: tuple[str, dict[str, dict]]) -> None:
    base_url, received = bot_api
    async with bot_at(base_url) as bot:
        assert await bot.set_chat_title(7, "¿Coralillo?")
        assert await bot.set_chat_photo(7, b"\xff\xd8 a photo")
    assert received["setChatTitle"] == {"chat_id": "7", "title": "¿Coralillo?"}
    upload = received["setChatPhoto"]
    assert upload["chat_id"] == "7" and upload["photo"] == b"\xff\xd8 a photo"


async def test_an_unreachable_server_is_a_network_error() -> None:
    bot = bot_at(f"http://127.0.0.1:{free_port()}/bot")
    with pytest.raises(NetworkError, match=r"aiohttp\.ClientConnectorError"):
        await bot.initialize()
    await bot.shutdown()
