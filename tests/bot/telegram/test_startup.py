"""Start-up when Telegram is out of reach (waited out) or refuses the token (one line, exit code 2)."""

import asyncio
import logging
import signal
from pathlib import Path

import aiohttp
import pytest

from bot.server import running_bot
from bot.settings import Settings
from bot.telegram.startup import TokenRejected, pauses
from model import Classifier
from tests.bot.conftest import PRIVATE_CHAT, free_port, settings_for
from tests.bot.test_process import run_bot
from tests.fakes.telegram_api import FakeTelegram
from tests.tiny_model import photo_bytes


async def health_statuses(settings: Settings, seen: list[str]) -> None:
    """Poll /healthz, noting each status, until it says "ok"."""
    url = f"http://127.0.0.1:{settings.port}/healthz"
    async with aiohttp.ClientSession() as session:
        while not seen or seen[-1] != "ok":
            try:
                async with session.get(url) as response:
                    seen.append((await response.json())["status"])
            except aiohttp.ClientConnectionError:
                pass  # not listening yet
            await asyncio.sleep(0.05)


def test_pauses_double_up_to_a_cap() -> None:
    generator = pauses(first=1, most=30)
    assert [next(generator) for _ in range(8)] == [1, 2, 4, 8, 16, 30, 30, 30]


async def test_unreachable_telegram_is_waited_out_while_health_says_starting(
    telegram: FakeTelegram, tiny_classifier: Classifier, caplog: pytest.LogCaptureFixture
) -> None:
    telegram.refuse("getMe", 2)
    settings = settings_for(telegram, "polling")
    seen: list[str] = []
    watcher = asyncio.create_task(health_statuses(settings, seen))
    with caplog.at_level(logging.WARNING, logger="bot.telegram.startup"):
        async with running_bot(settings, tiny_classifier):
            message = telegram.photo_message(PRIVATE_CHAT, photo_bytes("coral_snake", seed=12))
            await telegram.queue_update(telegram.update_for(message))
            reply = await telegram.replies_to(message["message_id"])
            await asyncio.wait_for(watcher, 10)
    assert "coral snake" in reply.visible_text
    assert seen[0] == "starting" and seen[-1] == "ok"
    lines = [record.getMessage() for record in caplog.records if record.name == "bot.telegram.startup"]
    assert len(lines) == 2
    assert lines[0].startswith(f"cannot reach Telegram at {settings.telegram_api_base_url} (")
    assert lines[0].endswith("next attempt in 1 s") and lines[1].endswith("next attempt in 2 s")


async def test_rejected_token_raises_token_rejected(
    telegram: FakeTelegram, tiny_classifier: Classifier
) -> None:
    settings = settings_for(telegram, "polling", TELEGRAM_BOT_TOKEN="999:not-the-token")
    with pytest.raises(TokenRejected):
        async with running_bot(settings, tiny_classifier):
            pass
    assert telegram.sent == []


async def test_rejected_token_is_one_line_and_exit_code_2(
    telegram: FakeTelegram, tiny_model_path: Path
) -> None:
    process = await bot_process("999:not-the-token", tiny_model_path, telegram.base.rstrip("/"))
    _, stderr = await asyncio.wait_for(process.communicate(), 120)
    log = stderr.decode()
    assert process.returncode == 2, log
    assert log.strip().splitlines()[-1] == (
        "error: Telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized): copy the token again from @BotFather"
    )
    assert "Traceback" not in log and "Unclosed" not in log and "not-the-token" not in log


async def test_sigterm_while_telegram_is_unreachable_stops_the_bot_at_once(tiny_model_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there: every call is refused at once
    process = await bot_process("123:token", tiny_model_path, closed)
    try:
        log = await asyncio.wait_for(_lines_until(process, "cannot reach Telegram"), 120)
        process.send_signal(signal.SIGTERM)
        _, rest = await asyncio.wait_for(process.communicate(), 15)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    log += rest.decode()
    assert process.returncode == 0, log
    assert "stopped before Telegram was reached" in log and "Traceback" not in log


async def bot_process(token: str, model: Path, telegram_base: str) -> asyncio.subprocess.Process:
    """`python -m bot` with this token and model, talking to the Bot API at `telegram_base`."""
    return await run_bot(
        {
            "TELEGRAM_BOT_TOKEN": token,
            "MODEL_PATH": str(model),
            "PORT": str(free_port()),
            "TELEGRAM_API_BASE_URL": f"{telegram_base}/bot",
            "TELEGRAM_FILE_BASE_URL": f"{telegram_base}/file/bot",
        }
    )


async def _lines_until(process: asyncio.subprocess.Process, wanted: str) -> str:
    """The process's stderr up to and including the first line that contains `wanted`."""
    seen = ""
    while wanted not in seen:
        line = await process.stderr.readline()
        if not line:
            raise AssertionError(f"the bot exited before logging {wanted!r}:\n{seen}")
        seen += line.decode()
    return seen
