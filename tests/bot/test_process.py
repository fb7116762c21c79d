"""`python -m bot` as an operator runs it: clear errors, a working bot, no token in the logs, a clean stop."""

import asyncio
import os
import signal
import sys
from pathlib import Path

from sqlalchemy import inspect

from feedback import open_engine
from tests.bot.conftest import PRIVATE_CHAT, TOKEN, free_port
from tests.fakes.telegram_api import FakeTelegram
from tests.tiny_model import photo_bytes


async def run_bot(environment: dict[str, str], *arguments: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *arguments,
        env={**os.environ, "TELEGRAM_BOT_TOKEN": "", **environment},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_missing_token_is_one_line_and_exit_code_2() -> None:
    process = await run_bot({})
    _, stderr = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 2
    assert stderr.decode().strip().splitlines() == [
        "error: TELEGRAM_BOT_TOKEN is not set: get one from @BotFather and put it in .env"
    ]


async def test_missing_model_is_one_line_and_exit_code_2(tmp_path: Path) -> None:
    process = await run_bot({"TELEGRAM_BOT_TOKEN": TOKEN, "MODEL_PATH": str(tmp_path / "absent.pkl")})
    _, stderr = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 2
    assert stderr.decode().strip().splitlines() == [f"error: no model file at {tmp_path / 'absent.pkl'}"]


async def test_a_data_dir_that_cannot_be_made_is_one_line_and_exit_code_2(tmp_path: Path) -> None:
    in_the_way = tmp_path / "data"
    in_the_way.write_text("a file, not a folder")
    process = await run_bot({"TELEGRAM_BOT_TOKEN": TOKEN, "DATA_DIR": str(in_the_way)})
    _, stderr = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 2
    assert stderr.decode().strip().splitlines() == [
        f"error: DATA_DIR {in_the_way} cannot hold the feedback database: a file is in the way"
    ]


async def test_a_malformed_database_url_is_one_line_and_exit_code_2_also_for_migrate() -> None:
    wrong = {"TELEGRAM_BOT_TOKEN": TOKEN, "DATABASE_URL": "mysql//bot:s3cret@db/feedback"}
    for arguments in ((), ("migrate",)):
        process = await run_bot(wrong, *arguments)
        _, stderr = await asyncio.wait_for(process.communicate(), 120)
        assert process.returncode == 2
        assert stderr.decode().strip().splitlines() == [
            "error: DATABASE_URL must be a postgres:// or postgresql:// URL, or unset for SQLite in DATA_DIR"
        ]


async def test_answers_a_photo_then_stops_cleanly_on_sigterm(
    telegram: FakeTelegram, tiny_model_path: Path
) -> None:
    base = telegram.base.rstrip("/")
    process = await run_bot(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "MODEL_PATH": str(tiny_model_path),
            "PORT": str(free_port()),
            "TELEGRAM_API_BASE_URL": f"{base}/bot",
            "TELEGRAM_FILE_BASE_URL": f"{base}/file/bot",
            "PYTHONOPTIMIZE": "2",  # as the Dockerfile and `make run` start it: without docstrings
        }
    )
    message = telegram.photo_message(PRIVATE_CHAT, photo_bytes("coral_snake", seed=11))
    await telegram.queue_update(telegram.update_for(message))
    reply = await telegram.replies_to(message["message_id"], timeout=120)
    assert "Likely a venomous coral snake" in reply.visible_text

    process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    log = stderr.decode()
    assert process.returncode == 0, log
    assert "@coral_check_bot up: polling mode" in log
    assert "bot stopped" in log
    assert TOKEN not in log and TOKEN.split(":")[1] not in log


async def test_migrate_creates_the_feedback_database_without_a_token(tmp_path: Path) -> None:
    process = await run_bot({"DATABASE_URL": "", "DATA_DIR": str(tmp_path / "data")}, "migrate")
    stdout, stderr = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0, stderr.decode()
    assert "is up to date" in stdout.decode()
    engine = open_engine(f"sqlite:///{tmp_path / 'data' / 'feedback.sqlite3'}")
    assert "classifications" in inspect(engine).get_table_names()
    engine.dispose()
