"""Hostile files and broken updates end to end: every one gets a clear answer, none stops the others."""

import asyncio
import logging
from gettext import NullTranslations

import aiohttp
import pytest

from bot.replies import failed, headline
from bot.server import running_bot
from model import LABELS, Classifier
from tests.bot.conftest import PRIVATE_CHAT, SECRET, TOKEN, RunningBot, settings_for
from tests.fakes.classifiers import FailingClassifier
from tests.fakes.hostile_images import CORPUS
from tests.fakes.telegram_api import FakeTelegram
from tests.tiny_model import photo_bytes

ENGLISH = NullTranslations()


async def test_every_hostile_file_gets_its_own_clear_answer(bot: RunningBot) -> None:
    messages = [
        (case, bot.telegram.document_message(PRIVATE_CHAT, case.make(), "snake.jpg", "image/jpeg"))
        for case in CORPUS
    ]
    await asyncio.gather(*(bot.send(message) for _, message in messages))
    for case, message in messages:
        text = (await bot.telegram.replies_to(message["message_id"], timeout=30)).visible_text
        if case.outcome is None:
            assert any(headline(label, ENGLISH) in text for label in LABELS), (case, text)
        else:
            assert case.outcome in text, (case, text)
    assert len(bot.telegram.sent) == len(CORPUS)  # one answer each, nothing dropped or doubled


async def test_a_failing_update_is_logged_once_and_the_others_are_answered(
    telegram: FakeTelegram, tiny_classifier: Classifier, caplog: pytest.LogCaptureFixture
) -> None:
    marker = b"this-users-private-photo"
    base = telegram.base.rstrip("/")
    error = RuntimeError(f"GET {base}/file/bot{TOKEN}/photos/9.jpg failed")  # as HTTP errors read
    classifier = FailingClassifier(tiny_classifier, marker, error)
    poisoned = telegram.photo_message(PRIVATE_CHAT, photo_bytes("coral_snake", seed=1) + marker)
    healthy = [telegram.photo_message(PRIVATE_CHAT, photo_bytes("coral_snake", seed=s)) for s in range(2, 5)]
    caplog.set_level(logging.INFO)
    async with running_bot(settings_for(telegram, "polling"), classifier):
        updates = [telegram.update_for(message) for message in [poisoned, *healthy]]
        for update in updates:
            await telegram.queue_update(update)
        assert (await telegram.replies_to(poisoned["message_id"])).visible_text == failed(ENGLISH)
        for message in healthy:
            assert "coral snake" in (await telegram.replies_to(message["message_id"])).visible_text
    ours = "\n".join(record.getMessage() for record in caplog.records if record.name.startswith("bot"))
    failures = [record for record in caplog.records if "failed" in record.getMessage()]
    assert len(failures) == 1
    logged = failures[0].getMessage()
    assert f"update {updates[0]['update_id']} failed" in logged
    assert "RuntimeError" in logged and "<token>" in logged
    assert TOKEN not in ours and TOKEN.split(":")[1] not in ours
    assert marker.decode() not in caplog.text


@pytest.mark.parametrize("body", [b"{not json", b"null", b"[1, 2]", b'"an update"', b'{"update_id": "x"}'])
async def test_malformed_webhook_bodies_get_400_and_a_log_line(
    webhook_bot: RunningBot, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"{webhook_bot.url}{webhook_bot.settings.webhook_path}"
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    async with aiohttp.ClientSession() as session, session.post(url, data=body, headers=headers) as response:
        assert response.status == 400
    assert "malformed webhook update" in caplog.text
    assert SECRET not in caplog.text


async def test_forbidden_webhook_calls_are_logged_without_the_secret_they_gave(
    webhook_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"{webhook_bot.url}{webhook_bot.settings.webhook_path}"
    headers = {"X-Telegram-Bot-Api-Secret-Token": "guessed-secret"}
    async with aiohttp.ClientSession() as session, session.post(url, json={}, headers=headers) as response:
        assert response.status == 403
    assert "forbidden webhook call" in caplog.text
    assert "guessed-secret" not in caplog.text
