"""PTB's calls through aiohttp: forms and uploads arrive as the Bot API reads them; failures become PTB's.

The bot's conversations (tests/bot) run every call through this class against the fake Bot API; these
tests cover what the bot itself never sends: a file upload, and a server that is not there.
"""

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import InputFile
from telegram.error import NetworkError
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.aiohttp_request import AiohttpRequest
from tests.bot.conftest import free_port

received: list[dict[str, object]] = []


async def record_form(request: web.Request) -> web.Response:
    form = await request.post()
    received.append(
        {name: (value.file.read() if hasattr(value, "file") else value) for name, value in form.items()}
    )
    return web.json_response({"ok": True, "result": True})


@pytest.fixture
async def server() -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_post("/bot123:abc/{method}", record_form)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    received.clear()
    yield f"http://127.0.0.1:{port}/bot123:abc"
    await runner.cleanup()


def request_data(**parameters: object) -> RequestData:
    return RequestData([RequestParameter.from_input(name, value) for name, value in parameters.items()])


async def test_a_form_and_an_upload_arrive_as_sent(server: str) -> None:
    async with AiohttpRequest(connections=2, timeout=5) as request:
        await request.post(f"{server}/sendMessage", request_data(chat_id=7, text="¿Coralillo?"))
        upload = InputFile(b"\xff\xd8 a photo", filename="snake.jpg")
        await request.post(f"{server}/sendDocument", request_data(chat_id=7, document=upload))
    assert received[0] == {"chat_id": "7", "text": "¿Coralillo?"}
    assert received[1]["chat_id"] == "7" and received[1]["document"] == b"\xff\xd8 a photo"


async def test_an_unreachable_server_is_a_network_error() -> None:
    async with AiohttpRequest(connections=1, timeout=5) as request:
        with pytest.raises(NetworkError, match=r"aiohttp\.ClientConnectorError"):
            await request.post(f"http://127.0.0.1:{free_port()}/bot123:abc/getMe")
